export * from './restBackend';
export * from './specCheckedServer';
export * from './stallingProxy';
