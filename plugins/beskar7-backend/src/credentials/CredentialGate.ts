import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  BmcAddressPolicy,
  BmcAllowlistEntryError,
  HostResolver,
} from '../inventory/bmcAddressPolicy';
import {
  parseKubernetesSecretRef,
  SECRET_REF_PREFIX,
} from '../kubernetes/mapping';
import { isCredentialName } from './ConfigCredentialResolver';
import {
  BmcCredentials,
  CredentialResolver,
  CredentialScopes,
  CredentialUse,
} from './types';

/** A credential used outside the addresses or namespace it is bound to. */
export class CredentialScopeError extends NotAllowedError {}

/** A login that would cross the network in clear text without the host's opt-in. */
export class PlainHttpCredentialError extends InputError {}

/**
 * The one way to a BMC login: it is handed out only for a host its
 * credential is bound to, so that nobody who may register hosts can have a
 * secret sent to an address of their choosing. The rules:
 * - an `http://` BMC gets a login only when the host opts in (`bmc.allowPlainHttp`);
 * - a Kubernetes Secret (`k8s-secret:<namespace>/<name>`) serves hosts of its own namespace only;
 * - any other credential serves the addresses its `allowedAddresses` lists
 *   (CIDRs, addresses, host names, `*.domain`, or whole origins such as
 *   `http://127.0.0.1:8000`); a credential that lists none is sent nowhere.
 */
export class CredentialGate {
  constructor(
    private readonly resolver: CredentialResolver,
    private readonly scopes: CredentialScopes,
    private readonly resolveName?: HostResolver,
    private readonly options: {
      /** Whether `k8s-secret:` refs can be read (the Kubernetes side is on). */
      kubernetesSecrets?: boolean;
    } = {},
  ) {}

  /**
   * Why `use` may not have its credential, naming the rule, or undefined.
   * A credential unknown so far is no refusal: nothing can be sent with it,
   * and loginFor judges it again once it exists.
   */
  async refusal(use: CredentialUse): Promise<Error | undefined> {
    const { address, credentialsRef: ref, allowPlainHttp } = use.bmc;
    if (isPlainHttp(address) && !allowPlainHttp) {
      return new PlainHttpCredentialError(
        `bmc.allowPlainHttp: ${address} is plain HTTP, where the BMC login would cross the network in clear text; use https, or set bmc.allowPlainHttp to true to accept that`,
      );
    }
    if (ref.startsWith(SECRET_REF_PREFIX) && !this.options.kubernetesSecrets) {
      return new InputError(
        `bmc.credentialsRef: ${ref} names a Kubernetes Secret, which this backend reads only with beskar7.kubernetes.enabled`,
      );
    }
    const secret = parseKubernetesSecretRef(ref);
    if (ref.startsWith(SECRET_REF_PREFIX) && !secret) {
      return new InputError(
        `bmc.credentialsRef: ${ref} is not of the form ${SECRET_REF_PREFIX}<namespace>/<name>`,
      );
    }
    if (!secret && !isCredentialName(ref)) {
      return new InputError(
        `bmc.credentialsRef: '${ref}' is not a credential name: it names an entry of beskar7.credentials (no '.'), or ${SECRET_REF_PREFIX}<namespace>/<name>`,
      );
    }
    if (secret) {
      return secret.namespace === use.namespace
        ? undefined
        : new CredentialScopeError(
            `bmc.credentialsRef: the Kubernetes Secret ${secret.namespace}/${secret.name} serves hosts of namespace ${secret.namespace} only, not ${use.namespace}`,
          );
    }
    const entries = this.scopes.allowedAddresses(ref);
    if (entries === undefined) return undefined;
    const key = `beskar7.credentials.${ref}.allowedAddresses`;
    if (entries.length === 0) {
      return new CredentialScopeError(
        `bmc.credentialsRef: credential '${ref}' lists no address in ${key}, so it is sent nowhere`,
      );
    }
    const refused = await this.outsideScope(address, entries, key);
    return refused
      ? new CredentialScopeError(
          `bmc.credentialsRef: credential '${ref}' may not be sent to ${address}: ${refused}`,
        )
      : undefined;
  }

  /** The login for the host's BMC, after checking the rules again; throws the refusal otherwise. */
  async loginFor(use: CredentialUse): Promise<BmcCredentials> {
    const refused = await this.refusal(use);
    if (refused) throw refused;
    const ref = use.bmc.credentialsRef;
    if (
      !parseKubernetesSecretRef(ref) &&
      this.scopes.allowedAddresses(ref) === undefined
    ) {
      throw new NotFoundError(`No BMC credentials named '${ref}'`);
    }
    return this.resolver.resolve(ref);
  }

  resolveCaBundle(ref: string): Promise<string> {
    return this.resolver.resolveCaBundle(ref);
  }

  private async outsideScope(
    address: string,
    entries: string[],
    key: string,
  ): Promise<string | undefined> {
    const origins = entries.filter(e => e.includes('://'));
    if (origins.some(o => originOf(o) === originOf(address))) return undefined;
    const hosts = entries.filter(e => !e.includes('://'));
    try {
      return await BmcAddressPolicy.create(
        hosts,
        this.resolveName,
        key,
      ).refusal(address);
    } catch (error) {
      if (error instanceof BmcAllowlistEntryError) {
        return `${key}[${entries.indexOf(error.entry)}] ${error.message}`;
      }
      throw error;
    }
  }
}

function isPlainHttp(address: string): boolean {
  try {
    return new URL(address).protocol === 'http:';
  } catch {
    return false;
  }
}

function originOf(address: string): string | undefined {
  try {
    return new URL(address).origin;
  } catch {
    return undefined;
  }
}
