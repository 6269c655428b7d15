import { ReplicaCounts } from '@beskar7/backstage-plugin-beskar7-common';

/** `ready/desired`, as kubectl shows replicas. */
export function replicasText(replicas: ReplicaCounts | undefined): string {
  return replicas ? `${replicas.ready}/${replicas.desired}` : '—';
}
