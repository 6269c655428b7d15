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
