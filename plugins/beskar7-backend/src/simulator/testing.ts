import { Agent, request } from 'undici';
import { SimulatedBmc } from './bmcServer';
import { Resource } from './resourceTree';

/**
 * GET through the simulator with basic auth, to observe state independently
 * of the client under test. `ca` verifies an HTTPS simulator.
 */
export async function simGet(
  bmc: SimulatedBmc,
  path: string,
  ca?: string,
): Promise<Resource> {
  const { username, password } = bmc.credentials;
  const dispatcher = ca ? new Agent({ connect: { ca } }) : undefined;
  try {
    const res = await request(`${bmc.url}${path}`, {
      dispatcher,
      headers: {
        authorization: `Basic ${Buffer.from(`${username}:${password}`).toString(
          'base64',
        )}`,
      },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new Error(`GET ${path}: HTTP ${res.statusCode}`);
    }
    return JSON.parse(text);
  } finally {
    await dispatcher?.close();
  }
}
