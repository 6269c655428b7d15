/** A BMC login. Lives only inside the backend; never serialised to a response or a log. */
export interface BmcCredentials {
  username: string;
  password: string;
}

/**
 * Turns a host's `credentialsRef` into a login at the moment of use, so that
 * a rotated secret takes effect without re-registering the host.
 */
export interface CredentialResolver {
  resolve(ref: string): Promise<BmcCredentials>;
  /** The PEM bundle a host's `bmc.caBundleRef` names, read at use time like the login. */
  resolveCaBundle(ref: string): Promise<string>;
}

/** Where each credential may be sent. */
export interface CredentialScopes {
  /**
   * The `allowedAddresses` of credential `ref` (empty when it declares
   * none), or undefined when no credential of that name is known here.
   */
  allowedAddresses(ref: string): string[] | undefined;
}

/** What the credential rules look at: the host and how its BMC is reached. */
export interface CredentialUse {
  namespace: string;
  bmc: { address: string; credentialsRef: string; allowPlainHttp?: boolean };
}
