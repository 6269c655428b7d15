import {
  ClusterDetails,
  ClusterMachine,
} from '@beskar7/backstage-plugin-beskar7-common';
import { MachineActionOptions } from './requestMachine';

/** The cluster actions need what the machine actions do. @public */
export type ClusterActionOptions = MachineActionOptions;

/** The cluster's page in the portal (the beskar7 plugin's Clusters tab). */
export function clusterUrl(namespace: string, name: string): string {
  return `/beskar7/clusters/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
}

/**
 * Polls the cluster until one of its control-plane Machines is Provisioned
 * (its host holds the OS; without a Node it goes no further). A Failed
 * Machine, a timeout or an aborted task end the wait with an error naming it.
 */
export async function waitForControlPlane(options: {
  read(): Promise<ClusterDetails>;
  timeoutSeconds: number;
  pollIntervalMs: number;
  signal?: AbortSignal;
}): Promise<ClusterMachine> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  for (;;) {
    let machines: ClusterMachine[] = [];
    try {
      machines = (await options.read()).controlPlaneMachines;
    } catch (error) {
      // Just applied: the backend's view may not show the cluster yet.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    const provisioned = machines.find(m =>
      ['Provisioned', 'Running'].includes(m.phase ?? ''),
    );
    if (provisioned) return provisioned;
    const failed = machines.find(m => m.phase === 'Failed');
    if (failed) {
      throw new Error(
        `Control-plane Machine ${failed.name} failed: ${
          failed.beskar7Machine?.failureMessage ?? 'no reason given'
        }`,
      );
    }
    options.signal?.throwIfAborted();
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${
          options.timeoutSeconds
        }s waiting for a control-plane Machine to be Provisioned (${
          machines.map(m => `${m.name}: ${m.phase ?? 'no phase'}`).join(', ') ||
          'none yet'
        })`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, options.pollIntervalMs));
  }
}
