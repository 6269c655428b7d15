import { createPermission } from '@backstage/plugin-permission-common';

/** @public */
export const beskar7HostReadPermission = createPermission({
  name: 'beskar7.host.read',
  attributes: { action: 'read' },
});

/** Register hosts and change their labels, tags and pool. */
export const beskar7HostUpdatePermission = createPermission({
  name: 'beskar7.host.update',
  attributes: { action: 'update' },
});

/** Release, recover or delete a host: operations that interrupt a workload. */
export const beskar7HostOperatePermission = createPermission({
  name: 'beskar7.host.operate',
  attributes: { action: 'update' },
});

/** @public */
export const beskar7MachineCreatePermission = createPermission({
  name: 'beskar7.machine.create',
  attributes: { action: 'create' },
});

/** @public */
export const beskar7MachineReleasePermission = createPermission({
  name: 'beskar7.machine.release',
  attributes: { action: 'delete' },
});

/** Pause, resume and drain the provisioning queue. */
export const beskar7QueueManagePermission = createPermission({
  name: 'beskar7.queue.manage',
  attributes: { action: 'update' },
});

/** Run automated runbook steps. */
export const beskar7RunbookExecutePermission = createPermission({
  name: 'beskar7.runbook.execute',
  attributes: { action: 'update' },
});

/** Runbook steps marked destructive (clearing leases, forcing hosts back to Enrolling). */
export const beskar7RunbookDestructivePermission = createPermission({
  name: 'beskar7.runbook.destructive',
  attributes: { action: 'delete' },
});

/**
 * Use a BMC credential: register a host that names a `credentialsRef`. Apart
 * from `beskar7.host.update`, so that registering hosts does not imply
 * sending every secret to a BMC of one's choosing.
 */
export const beskar7CredentialUsePermission = createPermission({
  name: 'beskar7.credential.use',
  attributes: {},
});

/**
 * Read Cluster API clusters built on Beskar7 hosts.
 *
 * @public
 */
export const beskar7ClusterReadPermission = createPermission({
  name: 'beskar7.cluster.read',
  attributes: { action: 'read' },
});

/**
 * Create Cluster API clusters (and scale them): they claim hosts.
 *
 * @public
 */
export const beskar7ClusterCreatePermission = createPermission({
  name: 'beskar7.cluster.create',
  attributes: { action: 'create' },
});

/**
 * Delete a Cluster API cluster: every host it holds is given back.
 *
 * @public
 */
export const beskar7ClusterDeletePermission = createPermission({
  name: 'beskar7.cluster.delete',
  attributes: { action: 'delete' },
});

/** @public */
export const beskar7Permissions = [
  beskar7HostReadPermission,
  beskar7HostUpdatePermission,
  beskar7HostOperatePermission,
  beskar7MachineCreatePermission,
  beskar7MachineReleasePermission,
  beskar7QueueManagePermission,
  beskar7RunbookExecutePermission,
  beskar7RunbookDestructivePermission,
  beskar7CredentialUsePermission,
  beskar7ClusterReadPermission,
  beskar7ClusterCreatePermission,
  beskar7ClusterDeletePermission,
];
