import { BootMode, OsFamily } from '@beskar7/backstage-plugin-beskar7-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { PowerAction } from '@beskar7/backstage-plugin-beskar7-node';
import { bootOverrideOf, clearBootOverride, setOneTimeBoot } from './boot';
import { RedfishClient } from './client';
import { DiscoveredService, listSystems } from './discovery';
import { RedfishError, RedfishUnsupportedError } from './errors';
import { powerStateOf, readInventory } from './inventory';
import { getKernelParams, setKernelParams } from './kernelParamsOnBmc';
import { resetSystem } from './power';
import { systemIdentityOf } from './systemIdentity';
import {
  BmcInventory,
  BmcOperation,
  BmcOperationEvent,
  BmcProvisioner,
  BootOverride,
  BootTarget,
  IdentifiedSystem,
  KernelParamsStatus,
  PowerState,
  VirtualMediaStatus,
} from './types';
import { ejectMedia, insertMedia, readMedia } from './virtualMedia';

/** What a provisioner shares with the other provisioners of the same BMC. */
export interface SharedBmc {
  client: RedfishClient;
  service(): Promise<DiscoveredService>;
  /** Settles once a logout it causes (the last user, no idle time) is done. */
  release(): Promise<void>;
}

export interface ProvisionerSettings {
  logger?: LoggerService;
  onOperation?: (event: BmcOperationEvent) => void;
  powerSettleTimeoutMs: number;
  powerPollIntervalMs: number;
}

/** A BmcProvisioner over Redfish. Get one from `BmcProvisionerFactory.forHost`. */
export class RedfishProvisioner implements BmcProvisioner {
  readonly address: string;
  private closed = false;

  constructor(
    private readonly bmc: SharedBmc,
    private readonly settings: ProvisionerSettings,
  ) {
    this.address = bmc.client.address;
  }

  systems(): Promise<string[]> {
    return listSystems(this.bmc.client);
  }

  async identifySystems(): Promise<IdentifiedSystem[]> {
    const paths = await listSystems(this.bmc.client);
    const systems: IdentifiedSystem[] = [];
    for (const path of paths) {
      const system = await this.bmc.client.getOptional(path);
      systems.push({ path, identity: system && systemIdentityOf(system) });
    }
    return systems;
  }

  inspect(): Promise<BmcInventory> {
    return this.op('inspect', service =>
      readInventory(this.bmc.client, service),
    );
  }

  powerState(): Promise<PowerState> {
    return this.op('powerState', async service =>
      powerStateOf(await this.bmc.client.get(service.systemPath)),
    );
  }

  powerOn(): Promise<void> {
    return this.op('powerOn', service => this.changePower(service, 'on', 'On'));
  }

  powerOff(options: { force?: boolean } = {}): Promise<void> {
    return this.op('powerOff', service =>
      this.changePower(
        service,
        options.force ? 'forceOff' : 'gracefulShutdown',
        'Off',
      ),
    );
  }

  reboot(options: { force?: boolean } = {}): Promise<void> {
    return this.op('reboot', async service => {
      const system = await this.bmc.client.get(service.systemPath);
      if (powerStateOf(system) === 'Off') {
        await resetSystem(this.bmc.client, system, 'on', service.vendor);
      } else {
        const forced = options.force
          ? ['ForceRestart', 'PowerCycle']
          : undefined;
        await resetSystem(
          this.bmc.client,
          system,
          'restart',
          service.vendor,
          forced,
        );
      }
      await this.waitForPower(service, 'On');
    });
  }

  setOneTimeBoot(
    target: BootTarget,
    options: { mode?: BootMode; uefiTarget?: string } = {},
  ): Promise<BootOverride> {
    return this.op('setOneTimeBoot', service =>
      setOneTimeBoot(
        this.bmc.client,
        service.systemPath,
        target,
        options,
        service.vendor,
      ),
    );
  }

  clearBootOverride(): Promise<BootOverride> {
    return this.op('clearBootOverride', service =>
      clearBootOverride(this.bmc.client, service.systemPath),
    );
  }

  getBootOverride(): Promise<BootOverride> {
    return this.op('getBootOverride', async service =>
      bootOverrideOf(await this.bmc.client.get(service.systemPath)),
    );
  }

  insertMedia(imageUrl: string): Promise<VirtualMediaStatus> {
    return this.op('insertMedia', service =>
      insertMedia(
        this.bmc.client,
        this.mediaPath(service),
        imageUrl,
        service.vendor,
      ),
    );
  }

  ejectMedia(): Promise<VirtualMediaStatus> {
    return this.op('ejectMedia', service =>
      ejectMedia(this.bmc.client, this.mediaPath(service), service.vendor),
    );
  }

  getMedia(): Promise<VirtualMediaStatus> {
    return this.op('getMedia', service =>
      readMedia(this.bmc.client, this.mediaPath(service)),
    );
  }

  setKernelParams(
    osFamily: OsFamily,
    configUrl: string,
  ): Promise<KernelParamsStatus> {
    return this.op('setKernelParams', service =>
      setKernelParams(this.bmc.client, service, osFamily, configUrl),
    );
  }

  getKernelParams(): Promise<KernelParamsStatus | undefined> {
    return this.op('getKernelParams', service =>
      getKernelParams(this.bmc.client, service),
    );
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.bmc.release();
    }
  }

  private mediaPath(service: DiscoveredService): string {
    if (!service.virtualMediaPath) {
      throw new RedfishUnsupportedError(
        this.address,
        'no CD/DVD virtual media device was found',
      );
    }
    return service.virtualMediaPath;
  }

  private async changePower(
    service: DiscoveredService,
    action: PowerAction,
    target: 'On' | 'Off',
  ): Promise<void> {
    const system = await this.bmc.client.get(service.systemPath);
    if (powerStateOf(system) === target) {
      return;
    }
    await resetSystem(this.bmc.client, system, action, service.vendor);
    await this.waitForPower(service, target);
  }

  /** Polls until the BMC reports the power state; BMCs apply resets asynchronously. */
  private async waitForPower(
    service: DiscoveredService,
    target: 'On' | 'Off',
  ): Promise<void> {
    const { powerSettleTimeoutMs, powerPollIntervalMs } = this.settings;
    const deadline = Date.now() + powerSettleTimeoutMs;
    for (;;) {
      const state = powerStateOf(await this.bmc.client.get(service.systemPath));
      if (state === target) {
        return;
      }
      if (Date.now() >= deadline) {
        throw new RedfishError(
          `BMC ${this.address}: power state is ${state}, not ${target}, ${powerSettleTimeoutMs} ms after the reset`,
          this.address,
        );
      }
      await new Promise(r => setTimeout(r, powerPollIntervalMs));
    }
  }

  private async op<T>(
    operation: BmcOperation,
    run: (service: DiscoveredService) => Promise<T>,
  ): Promise<T> {
    if (this.closed) {
      throw new RedfishError(
        `BMC ${this.address}: provisioner is closed`,
        this.address,
      );
    }
    const started = process.hrtime.bigint();
    let vendor = 'unknown';
    const report = (outcome: 'success' | 'error') =>
      this.settings.onOperation?.({
        operation,
        vendor,
        outcome,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        address: this.address,
      });
    try {
      const service = await this.bmc.service();
      vendor = service.vendor.id;
      const result = await run(service);
      report('success');
      this.settings.logger?.debug(`BMC ${this.address}: ${operation} done`);
      return result;
    } catch (e) {
      report('error');
      this.settings.logger?.warn(
        `BMC ${this.address}: ${operation} failed: ${(e as Error).message}`,
      );
      throw e;
    }
  }
}
