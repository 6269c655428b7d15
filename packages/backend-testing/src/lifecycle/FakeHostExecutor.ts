import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { parseBmcEndpoint } from '../../../../plugins/beskar7-backend/src/redfish/bmcEndpoint';
import {
  abortableDelay,
  BmcActivityRecorder,
} from '../queue/BmcActivityRecorder';
import {
  BmcSystem,
  HostInventory,
  HostOperationExecutor,
  OperationContext,
} from '../../../../plugins/beskar7-backend/src/lifecycle/types';

/**
 * An executor doing timed work per operation, as a BMC would, recorded on
 * the "BMC side". Hosts can be told to fail (a 5xx, say) until healed.
 */
export class FakeHostExecutor implements HostOperationExecutor {
  readonly recorder = new BmcActivityRecorder();
  private readonly failing = new Map<string, string>();

  constructor(private readonly latencyMs: number) {}

  failHost(hostId: string, message: string): void {
    this.failing.set(hostId, message);
  }

  heal(hostId: string): void {
    this.failing.delete(hostId);
  }

  /** One system per BMC: the one its address names, else `1`. */
  async listSystems(host: Host): Promise<BmcSystem[]> {
    return [{ id: parseBmcEndpoint(host.bmc.address).systemId ?? '1' }];
  }

  async inspect(host: Host, context: OperationContext): Promise<HostInventory> {
    await this.work(host, context);
    return {
      hardware: {
        model: 'Simulated',
        cpuCores: 32,
        memoryGiB: 128,
        macAddresses: [],
      },
      vendor: 'generic',
    };
  }

  async provision(host: Host, _machine: Machine, context: OperationContext) {
    await this.work(host, context);
  }

  async deprovision(host: Host, context: OperationContext) {
    await this.work(host, context);
  }

  private async work(host: Host, { jobId, signal }: OperationContext) {
    const op = this.recorder.begin(
      jobId,
      parseBmcEndpoint(host.bmc.address).endpoint,
    );
    try {
      await abortableDelay(this.latencyMs, signal);
      const failure = this.failing.get(host.id);
      if (failure) throw new Error(failure);
      this.recorder.end(op, true);
    } catch (error) {
      this.recorder.end(op, false);
      throw error;
    }
  }
}
