// The fixtures and fakes stand in for, or fill, the backend's internals (its
// stores' rows, its ports, its router's spec), which the plugin deliberately
// does not export, so this private package reaches them by path, as
// packages/drills does. It is never built: tests and drills run it from
// source, so __dirname is where the file is.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    '@backstage/no-relative-monorepo-imports': 'off',
    'no-restricted-imports': 'off',
    'no-restricted-syntax': 'off',
  },
});
