import { LoggerService } from '@backstage/backend-plugin-api';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { parseBmcEndpoint } from '../redfish/bmcEndpoint';
import {
  HostChangedError,
  QueueDrainingError,
  QueueFullError,
} from '../queue/errors';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import { JobOperation, ProvisioningJob } from '../queue/types';

/**
 * Queues `operation` for a host unless it already has a job, or has changed
 * since `host` was read. A full or draining queue, or a changed host, is not
 * an error here: the reconcilers look again on their next pass, and a queue
 * rejection has been counted.
 */
export async function enqueueFor(
  queue: ProvisioningQueue,
  logger: LoggerService,
  host: Host,
  operation: JobOperation,
): Promise<ProvisioningJob | undefined> {
  try {
    const { job } = await queue.enqueue({
      hostId: host.id,
      operation,
      machineId: host.consumerId,
      // Per BMC, not per host: the systems of one BMC share its limits.
      bmcAddress: parseBmcEndpoint(host.bmc.address).endpoint,
      // As detected at inspection (redfish/vendors, from the manager's
      // firmware and OEM sections): one of the vendor table's ids, so the
      // metrics' vendor label stays bounded; none before the first.
      vendor: host.bmcVendor,
      // A reconciler may have read the host just before its job finished.
      hostVersion: host.version,
    });
    return job;
  } catch (error) {
    if (
      error instanceof QueueFullError ||
      error instanceof QueueDrainingError ||
      error instanceof HostChangedError
    ) {
      logger.debug(
        `Not queueing ${operation} of host ${host.id} yet: ${error.message}`,
      );
      return undefined;
    }
    throw error;
  }
}
