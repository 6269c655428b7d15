module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Kubernetes suites run fault-injection tests on the test server only.
    'jest/no-standalone-expect': [
      'error',
      { additionalTestBlockFunctions: ['onServer'] },
    ],
  },
});
