// The drills and benchmarks drive the backend's internals (its stores,
// claim coordinators, replica wiring and the fixtures its own tests use)
// directly. The plugin deliberately exports none of them, so this private
// package reaches them by path. It is never built: it runs from source
// (node with the CLI's transform), so __dirname is where the file is.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    '@backstage/no-relative-monorepo-imports': 'off',
    'no-restricted-imports': 'off',
    'no-restricted-syntax': 'off',
  },
});
