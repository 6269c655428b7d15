module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Kubernetes suites run fault-injection tests only where the fault can be
    // caused: on the test server, or on a real API server that can be paused.
    'jest/no-standalone-expect': [
      'error',
      { additionalTestBlockFunctions: ['onServer', 'whenPausable'] },
    ],
  },
});
