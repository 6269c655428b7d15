export * from './databases';
export * from './migrations';
export * from './replicaPools';
