import { LoggerService } from '@backstage/backend-plugin-api';
import { BootstrapDelivery } from '../bootstrap/BootstrapDelivery';
import { Config } from '@backstage/config';
import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';
import { resolveHostName } from '../config/readInventoryConfig';
import { ConfigCredentialResolver } from '../credentials/ConfigCredentialResolver';
import { CredentialGate } from '../credentials/CredentialGate';
import { CredentialResolver } from '../credentials/types';
import { BmcAddressPolicy } from '../inventory/bmcAddressPolicy';
import { QueueMetrics } from '../metrics/queueMetrics';
import { RedfishHostOperationExecutor } from '../provisioning/RedfishHostOperationExecutor';
import { BmcProvisionerFactory } from '../redfish';

/**
 * How this replica reaches BMCs: the credentials (config's, and whatever
 * else supplies them), the gate every login leaves through, one Redfish
 * client per BMC and the executor of host operations on top.
 */
export function buildBmcAccess(options: {
  config: Config;
  logger: LoggerService;
  vendors: VendorQuirks[];
  bmcAddresses: BmcAddressPolicy;
  queueMetrics: QueueMetrics;
  credentials?: (fromConfig: ConfigCredentialResolver) => CredentialResolver;
  /** Cluster API bootstrap data delivery (with Kubernetes). */
  bootstrap?: BootstrapDelivery;
}) {
  const { bmcAddresses, queueMetrics } = options;
  // Config entries, and the logins registered at run time (simulated fleet).
  const configCredentials = new ConfigCredentialResolver(options.config);
  const credentials =
    options.credentials?.(configCredentials) ?? configCredentials;
  // Every login leaves through here, checked against where it may be sent.
  const credentialGate = new CredentialGate(
    credentials,
    configCredentials,
    resolveHostName,
    { kubernetesSecrets: options.credentials !== undefined },
  );
  const provisioners = new BmcProvisionerFactory({
    logger: options.logger,
    vendors: options.vendors,
    resolvedAddressCheck: ip => bmcAddresses.refusalOfResolved(ip),
    onOperation: e =>
      queueMetrics.bmcOperationDuration
        .labels(e.operation, e.vendor, e.outcome)
        .observe(e.seconds),
  });
  queueMetrics.bindCircuits(() => provisioners.circuitStatuses());
  const executor = new RedfishHostOperationExecutor(
    provisioners,
    credentialGate,
    options.bootstrap,
  );
  return {
    configCredentials,
    credentials,
    credentialGate,
    provisioners,
    executor,
  };
}
