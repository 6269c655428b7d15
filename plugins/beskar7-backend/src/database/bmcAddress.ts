import { InputError } from '@backstage/errors';

/** Rejects anything but an absolute http(s) URL as a BMC address. */
export function assertValidBmcAddress(address: string): void {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new InputError(`BMC address is not a valid URL: ${address}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      `BMC address must be an http or https URL, got ${url.protocol}`,
    );
  }
}
