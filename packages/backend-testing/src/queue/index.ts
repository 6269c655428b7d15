export * from './BmcActivityRecorder';
export * from './fixtures';
