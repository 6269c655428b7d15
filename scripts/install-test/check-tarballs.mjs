// Checks what each packed tarball ships, before any app installs it: every
// module its code imports is one of its own dependencies (or a Node built-in),
// no test code or test-only dependency ships, every entry point, the compiled
// config schema, LICENSE and README are there, and no `workspace:` range is
// left. A package that passes here can still fail to install or start: the
// rest of the install test shows that.
//
//   node check-tarballs.mjs <folder of .tgz>
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folder = process.argv[2];
const TEST_ONLY = [
  /^@backstage\/cli$/,
  /^@backstage\/[a-z-]*test-utils$/,
  /^@backstage\/dev-utils$/,
  /^@backstage\/frontend-dev-utils$/,
  /^@testing-library\//,
  /^@playwright\//,
  /^(jest|msw|supertest|nock)$/,
];
const TEST_FILE = /(\.test\.|__testUtils__|__fixtures__|setupTests|\/dev\/)/;
const IMPORT =
  /(?:\brequire\(|\bimport\(|^\s*(?:import|export)\b[^'";]*?\bfrom\s*|^\s*import\s*)['"]([^'".\s][^'"\s]*)['"]/gm;

function files(dir, prefix = '') {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    return statSync(path).isDirectory() ? files(path, relative) : [relative];
  });
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const builtins = new Set(builtinModules);
const problems = [];

for (const tgz of readdirSync(folder).filter(f => f.endsWith('.tgz'))) {
  const dir = mkdtempSync(join(tmpdir(), 'beskar7-tarball-'));
  execFileSync('tar', ['xzf', join(folder, tgz), '-C', dir]);
  const root = join(dir, 'package');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const shipped = files(root);
  const fail = message => problems.push(`${pkg.name}: ${message}`);

  for (const required of ['LICENSE', 'README.md']) {
    if (!shipped.includes(required)) fail(`does not ship ${required}`);
  }
  if (pkg.private) fail('is private');
  if (pkg.license !== 'Apache-2.0') fail(`license is ${pkg.license}`);

  const ranges = {
    ...pkg.dependencies,
    ...pkg.peerDependencies,
    ...pkg.optionalDependencies,
  };
  for (const [name, range] of Object.entries(ranges)) {
    if (range.startsWith('workspace:')) fail(`${name} has range ${range}`);
    if (
      name in (pkg.dependencies ?? {}) &&
      TEST_ONLY.some(re => re.test(name))
    ) {
      fail(`ships the test-only dependency ${name}`);
    }
  }

  const entryPoints = [pkg.main, pkg.module, pkg.types, pkg.configSchema];
  for (const target of Object.values(pkg.exports ?? {})) {
    entryPoints.push(
      ...(typeof target === 'string'
        ? [target]
        : Object.entries(target)
            .filter(([condition]) => condition !== 'backstage')
            .map(([, path]) => path)),
    );
  }
  for (const entry of entryPoints.filter(Boolean)) {
    if (!existsSync(join(root, entry))) fail(`entry point ${entry} is missing`);
  }
  if (pkg.configSchema && !pkg.configSchema.endsWith('.json')) {
    fail(`configSchema ${pkg.configSchema} was not compiled by prepack`);
  }

  for (const file of shipped.filter(f => TEST_FILE.test(`/${f}`))) {
    fail(`ships test or development code: ${file}`);
  }

  const imported = new Set();
  for (const file of shipped.filter(f => /\.(c|m)?js$/.test(f))) {
    const code = readFileSync(join(root, file), 'utf8');
    for (const [, specifier] of code.matchAll(IMPORT)) {
      if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
      imported.add(packageName(specifier));
    }
  }
  for (const name of imported) {
    if (name !== pkg.name && !(name in ranges)) {
      fail(`imports ${name}, which is not among its dependencies`);
    }
  }
  console.log(
    `${pkg.name}@${pkg.version}: ${shipped.length} files, imports ${[
      ...imported,
    ]
      .sort()
      .join(' ')}`,
  );
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
