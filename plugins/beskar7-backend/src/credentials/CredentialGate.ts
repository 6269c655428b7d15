import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  BmcAddressPolicy,
  BmcAllowlistEntryError,
  HostResolver,
} from '../inventory/bmcAddressPolicy';
import { parseKubernetesSecretRef } from '../kubernetes/mapping';
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
    const secret = parseKubernetesSecretRef(ref);
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
