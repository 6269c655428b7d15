export * from './FreezingProxy';
export * from './KubeApiTestServer';
export * from './MemoryBackend';
export * from './clusterApiTestEnvironment';
export * from './customObjects';
export * from './kubeTestEnvironment';
export * from './shippedIdentity';
export * from './structuralSchema';
