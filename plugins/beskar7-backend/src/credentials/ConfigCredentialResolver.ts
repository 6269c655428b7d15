import { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { validateCredentialsConfig } from '../config/readCredentialsConfig';
import { BmcCredentials, CredentialResolver, CredentialScopes } from './types';

/**
 * Reads `beskar7.credentials.<ref>.{username,password,allowedAddresses}`
 * from app-config (usually filled from environment variables), and falls
 * back to logins registered at run time (the simulated fleet's).
 */
export class ConfigCredentialResolver
  implements CredentialResolver, CredentialScopes
{
  private readonly registered = new Map<
    string,
    { credentials: BmcCredentials; allowedAddresses: string[] }
  >();

  /** Throws naming the key when `beskar7.credentials` cannot work. */
  constructor(private readonly config: Config) {
    validateCredentialsConfig(config);
  }

  /** A login known only at run time, usable at `allowedAddresses` alone. */
  register(
    ref: string,
    credentials: BmcCredentials,
    allowedAddresses: string[],
  ): void {
    this.registered.set(ref, { credentials, allowedAddresses });
  }

  allowedAddresses(ref: string): string[] | undefined {
    const entry = this.entry(ref);
    if (entry) return entry.getOptionalStringArray('allowedAddresses') ?? [];
    return this.registered.get(ref)?.allowedAddresses;
  }

  async resolve(ref: string): Promise<BmcCredentials> {
    const entry = this.entry(ref);
    if (entry) {
      return {
        username: entry.getString('username'),
        password: entry.getString('password'),
      };
    }
    const registered = this.registered.get(ref);
    if (registered) {
      return registered.credentials;
    }
    throw new NotFoundError(`No BMC credentials named '${ref}'`);
  }

  /** The config entry named `ref` itself: never a key inside one (`rack-a.password`). */
  private entry(ref: string): Config | undefined {
    if (!isCredentialName(ref)) return undefined;
    return this.config.getOptionalConfig(`beskar7.credentials.${ref}`);
  }

  /** `beskar7.caBundles.<ref>`: a PEM bundle (certificates are no secret, but a wrong one is refused, never replaced by the system CAs). */
  async resolveCaBundle(ref: string): Promise<string> {
    const bundle = this.config.getOptionalString(`beskar7.caBundles.${ref}`);
    if (!bundle) {
      throw new NotFoundError(
        `No CA bundle named '${ref}' (beskar7.caBundles.${ref})`,
      );
    }
    return bundle;
  }
}

/** Config keys are paths: a name with a dot would reach inside an entry. */
export function isCredentialName(ref: string): boolean {
  return ref.length > 0 && !ref.includes('.');
}
