import { InputError } from '@backstage/errors';
import { parseBmcEndpoint } from '../redfish/bmcEndpoint';

/**
 * The columns that make a host's server unique (endpoint and system id);
 * an address that is no BMC address is refused with a 400.
 */
export function bmcKeyColumns(address: string) {
  try {
    const { endpoint, systemId } = parseBmcEndpoint(address);
    return { bmc_endpoint: endpoint, system_id: systemId ?? '' };
  } catch (error) {
    throw new InputError(`bmc.address: ${(error as Error).message}`);
  }
}
