import {
  BmcConnection,
  Host,
  Machine,
  PowerState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { CredentialGate } from '../credentials/CredentialGate';
import { CredentialUse } from '../credentials/types';
import {
  BmcSystem,
  HostInventory,
  HostOperationExecutor,
  OperationContext,
  OperationOutcome,
} from '../lifecycle';
import { BmcProvisioner, BmcProvisionerFactory } from '../redfish';
import { systemIdOf } from '../redfish/bmcEndpoint';
import { noOverride } from '../redfish/boot';
import { RedfishUnsupportedError } from '../redfish/errors';
import { provisioningSteps } from './provisioningSteps';
import { BootstrapDelivery } from '../bootstrap/BootstrapDelivery';

/** A BMC to talk to: a host's, or one being registered. */
type BmcTarget = CredentialUse & {
  bmc: Omit<BmcConnection, 'insecureSkipVerify'> & {
    insecureSkipVerify?: boolean;
  };
  systemId?: string;
};

/**
 * The lifecycle's BMC work done over Redfish. Credentials are resolved at
 * each use, so a rotated secret applies to the next operation, and only
 * through the gate, which checks again where the credential may go. Every step is
 * safe to repeat, which a retried or taken-over job relies on.
 */
export class RedfishHostOperationExecutor implements HostOperationExecutor {
  constructor(
    private readonly provisioners: BmcProvisionerFactory,
    private readonly credentials: CredentialGate,
    /** Cluster API bootstrap data delivery, when Kubernetes is on. */
    private readonly bootstrap?: Pick<
      BootstrapDelivery,
      'configUrl' | 'revokeHost'
    >,
  ) {}

  async inspect(host: Host, context: OperationContext): Promise<HostInventory> {
    return this.withBmc(host, context.signal, async bmc => {
      const {
        vendor,
        systemPath,
        powerState,
        health,
        disks,
        systemIdentity,
        capabilities,
        ...hardware
      } = await bmc.inspect();
      return { hardware, vendor, powerState, systemIdentity, capabilities };
    });
  }

  async provision(
    host: Host,
    machine: Machine,
    context: OperationContext,
  ): Promise<OperationOutcome> {
    const steps = provisioningSteps(machine);
    return this.withBmc(host, context.signal, async bmc => {
      let powerState: OperationOutcome['powerState'];
      let continuousOverride = false;
      // Kernel parameters set as a one-time UEFI target (the media's loader
      // with the parameters) are that boot: a Cd override would drop them.
      let bootsWithParams = false;
      for (const step of steps) {
        context.signal.throwIfAborted();
        switch (step.kind) {
          case 'insertMedia':
            await bmc.insertMedia(step.imageUrl);
            break;
          case 'setKernelParams': {
            const set = await bmc.setKernelParams(
              step.osFamily,
              step.configUrl,
            );
            bootsWithParams = set.mechanism === 'uefiTarget';
            break;
          }
          case 'setBootstrapKernelParams': {
            if (!this.bootstrap) {
              throw new Error(
                `Machine ${machine.namespace}/${machine.name} needs Cluster API bootstrap data, which is served only with beskar7.kubernetes enabled`,
              );
            }
            const { url, token } = await this.bootstrap.configUrl(
              machine,
              host,
            );
            try {
              const set = await bmc.setKernelParams(step.osFamily, url);
              bootsWithParams = set.mechanism === 'uefiTarget';
            } catch (error) {
              // A BMC may echo the value back: the token stays out of errors.
              throw withoutToken(error, token);
            }
            break;
          }
          case 'oneTimeBoot': {
            if (bootsWithParams && step.target === 'Cd') break;
            const override = await bmc.setOneTimeBoot(step.target, {
              mode: machine.bootMode,
            });
            continuousOverride = override.enabled === 'Continuous';
            break;
          }
          case 'powerCycle':
            await bmc.reboot();
            break;
          case 'verifyPoweredOn': {
            const power = await bmc.powerState();
            powerState = power;
            if (power !== 'On') {
              throw new Error(
                `Host ${host.namespace}/${host.name} is ${power} after the power cycle`,
              );
            }
            break;
          }
          default:
            throw new Error(
              `Unknown provisioning step ${JSON.stringify(step)}`,
            );
        }
      }
      // A BMC that does not honour Once would boot the media again at every reset.
      if (continuousOverride) await bmc.clearBootOverride();
      return { powerState };
    });
  }

  /** The host's power state as its BMC reports it now. */
  powerState(host: Host, signal: AbortSignal): Promise<PowerState> {
    return this.withBmc(host, signal, bmc => bmc.powerState());
  }

  listSystems(host: Host, context: OperationContext): Promise<BmcSystem[]> {
    return this.identifiedSystemsOf(host, context.signal);
  }

  /** The systems with what each says it is; also asked before a host exists. */
  identifiedSystemsOf(
    target: BmcTarget,
    signal: AbortSignal,
  ): Promise<BmcSystem[]> {
    return this.withBmc(target, signal, async bmc =>
      (await bmc.identifySystems()).map(s => ({
        id: systemIdOf(s.path),
        identity: s.identity,
      })),
    );
  }

  /** Also asked before a host exists: a registration naming a system. */
  systemsOf(target: BmcTarget, signal: AbortSignal): Promise<string[]> {
    return this.withBmc(target, signal, async bmc =>
      (await bmc.systems()).map(systemIdOf),
    );
  }

  async deprovision(
    host: Host,
    context: OperationContext,
  ): Promise<OperationOutcome> {
    return this.withBmc(host, context.signal, async bmc => {
      let hasMedia = true;
      try {
        await bmc.ejectMedia();
      } catch (error) {
        // A BMC without virtual media (PXE-only hosts) has nothing to eject.
        if (!(error instanceof RedfishUnsupportedError)) throw error;
        hasMedia = false;
      }
      // The host's bootstrap URL (if any) stops working with the release.
      await this.bootstrap?.revokeHost(host.id);
      context.signal.throwIfAborted();
      await bmc.powerOff({ force: true });
      context.signal.throwIfAborted();
      await bmc.clearBootOverride();
      // Verified as the next tenant would find it, each read fresh.
      const [power, override, media] = await Promise.all([
        bmc.powerState(),
        bmc.getBootOverride(),
        hasMedia ? bmc.getMedia() : undefined,
      ]);
      const dirty = [
        power !== 'Off' && `power is ${power}`,
        !noOverride(override) &&
          `boot override ${override.target} (${override.enabled})`,
        media?.inserted && `media ${media.image ?? ''} inserted`,
      ].filter(Boolean);
      if (dirty.length) {
        throw new Error(
          `Host ${host.namespace}/${
            host.name
          } is not clean after the cleanup: ${dirty.join(', ')}`,
        );
      }
      return { powerState: power };
    });
  }

  private async withBmc<T>(
    host: BmcTarget,
    signal: AbortSignal,
    work: (bmc: BmcProvisioner) => Promise<T>,
  ): Promise<T> {
    signal.throwIfAborted();
    const credentials = await this.credentials.loginFor(host);
    const caBundle = host.bmc.caBundleRef
      ? await this.credentials.resolveCaBundle(host.bmc.caBundleRef)
      : undefined;
    const bmc = this.provisioners.forHost(
      {
        ...host.bmc,
        insecureSkipVerify: host.bmc.insecureSkipVerify ?? false,
        systemId: host.systemId,
      },
      credentials,
      caBundle,
      signal,
    );
    try {
      return await work(bmc);
    } finally {
      await bmc.close();
    }
  }
}

function withoutToken(error: unknown, token: string): unknown {
  if (error instanceof Error) {
    error.message = error.message.split(token).join('<token>');
    error.stack = error.stack?.split(token).join('<token>');
  }
  return error;
}
