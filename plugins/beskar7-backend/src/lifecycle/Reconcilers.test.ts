import { mockServices } from '@backstage/backend-test-utils';
import {
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { HostReconciler } from './HostReconciler';
import { MachineReconciler } from './MachineReconciler';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import { Reconcilers } from './Reconcilers';

describe('Reconcilers', () => {
  it('runs no scheduled pass once stopped, however late the scheduler fires', async () => {
    // Backstage's scheduler keeps a local task's timer until the plugin's
    // shutdown; a pass fired after stop() would reach a closed database.
    let task: SchedulerServiceTaskInvocationDefinition | undefined;
    const scheduler = {
      scheduleTask: async (t: SchedulerServiceTaskInvocationDefinition) => {
        task = t;
      },
    } as unknown as SchedulerService;
    const passes: string[] = [];
    const reconcilers = new Reconcilers({
      hosts: {
        reconcileAll: async () => void passes.push('hosts'),
      } as unknown as HostReconciler,
      machines: {
        reconcileAll: async () => void passes.push('machines'),
      } as unknown as MachineReconciler,
      queue: { onJobFinished: () => () => {} } as unknown as ProvisioningQueue,
      logger: mockServices.logger.mock(),
      intervalMs: 60_000,
      scheduler,
    });
    await reconcilers.start();
    await task!.fn(new AbortController().signal);
    expect(passes).toEqual(['machines', 'hosts']);

    await reconcilers.stop();
    await task!.fn(new AbortController().signal);
    expect(passes).toEqual(['machines', 'hosts']);
  });
});
