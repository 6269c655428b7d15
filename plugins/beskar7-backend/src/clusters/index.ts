export { ClusterObjectReader } from './ClusterObjectReader';
export { ClusterService, CLUSTER_CACHE_MS } from './ClusterService';
export type { ClusterServiceOptions, HeldHosts } from './ClusterService';
export { ClusterWriter, FIELD_MANAGER } from './ClusterWriter';
