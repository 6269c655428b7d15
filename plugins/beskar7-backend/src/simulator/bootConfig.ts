/*
 * What a booting OS fetches, given its kernel parameters: the simulated
 * host's side of RemoteConfig, so that a test sees what a real host would
 * have read, byte for byte.
 */

/** One document the simulated OS fetched at boot. */
export interface BootFetch {
  url: string;
  /** HTTP status, or 0 when the request failed. */
  status: number;
  body: Buffer;
}

/**
 * The URLs the OS families' installers read: cloud-init's NoCloud seed
 * (`ds=nocloud;s=<url>`: meta-data, user-data, vendor-data under it),
 * Ignition's and the others' single config URL.
 */
export function bootConfigUrls(params: string): string[] {
  const urls: string[] = [];
  for (const word of params.split(/\s+/)) {
    const nocloud = /^ds=nocloud(?:-net)?;(?:.*;)?s(?:eedfrom)?=([^;]+)/.exec(
      word,
    );
    if (nocloud) {
      const seed = nocloud[1];
      urls.push(
        ...['meta-data', 'user-data', 'vendor-data'].map(d => `${seed}${d}`),
      );
      continue;
    }
    const single =
      /^(?:flatcar\.ignition\.config\.url|ignition\.config\.url|config_url|combustion\.path)=(\S+)$/.exec(
        word,
      );
    if (single) urls.push(single[1]);
  }
  return urls;
}

/** Fetches each URL in turn, as the OS would at its first boot. */
export async function fetchBootConfig(urls: string[]): Promise<BootFetch[]> {
  const fetched: BootFetch[] = [];
  for (const url of urls) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      fetched.push({
        url,
        status: res.status,
        body: Buffer.from(await res.arrayBuffer()),
      });
    } catch {
      fetched.push({ url, status: 0, body: Buffer.alloc(0) });
    }
  }
  return fetched;
}
