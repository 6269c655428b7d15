export * from './FakeHostExecutor';
