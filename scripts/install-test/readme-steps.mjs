// The install steps of the READMEs, read from their code blocks so that the
// install test fails when a README is wrong. A block is a step when its first
// line names where it runs or what it changes:
//
//   ```sh    # From your clone of this repository
//            lines run in the clone, with APP set to the app's root directory
//   ```json  // package.json
//            "resolutions": {...}, merged into the app's root package.json
//   ```json  // package.json, if create-app printed "fetching yarn.lock seed ✖"
//            the same, applied only when it did
//   ```sh    # From your Backstage root directory
//            yarn --cwd packages/<app|backend> add @beskar7/...@<range>
//   ```ts    // packages/backend/src/index.ts
//            backend.add(import('...'));   (added before backend.start())
//   ```ts    // packages/backend/src/index.ts, in place of <module>
//            replaces the backend.add(import('<module>')) of the new app
//   ```yaml  # app-config.yaml
//            keys merged into the app's app-config.yaml
//
//   node readme-steps.mjs clone README.md...     prints the clone's lines
//   node readme-steps.mjs commands README.md...  prints the app's yarn lines
//   node readme-steps.mjs package <app dir> <create-app log> README.md...
//   node readme-steps.mjs apply <app dir> README.md...   edits index.ts, config
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const [mode, ...args] = process.argv.slice(2);
const NO_SEED = 'fetching yarn.lock seed ✖';
const REPLACE = '// packages/backend/src/index.ts, in place of ';

function steps(readme) {
  const text = readFileSync(readme, 'utf8');
  // Blocks may be indented (inside a list item): the indent is not theirs.
  const blocks = [...text.matchAll(/^( *)```(\w+)[^\n]*\n([\s\S]*?)^\1```/gm)];
  return blocks.flatMap(([, indent, lang, indented]) => {
    const body = indented
      .split('\n')
      .map(line => line.slice(indent.length))
      .join('\n');
    const [first, ...rest] = body.split('\n');
    const content = rest.join('\n').trim();
    const step = kind => [{ readme, kind, content }];
    if (lang === 'sh' && first === '# From your clone of this repository') {
      return step('clone');
    }
    if (lang === 'json' && first === '// package.json') return step('package');
    if (
      lang === 'json' &&
      first === `// package.json, if create-app printed "${NO_SEED}"`
    ) {
      return step('package-without-seed');
    }
    if (lang === 'sh' && first === '# From your Backstage root directory') {
      return step('command');
    }
    if (lang === 'ts' && first === '// packages/backend/src/index.ts') {
      return step('backend');
    }
    if (lang === 'ts' && first.startsWith(REPLACE)) {
      return [
        {
          readme,
          kind: 'replace',
          module: first.slice(REPLACE.length),
          content,
        },
      ];
    }
    if (lang === 'yaml' && first === '# app-config.yaml') return step('config');
    return [];
  });
}

function lines(readmes, kind) {
  return readmes.flatMap(readme =>
    steps(readme)
      .filter(s => s.kind === kind)
      .flatMap(s => s.content.split('\n').map(line => ({ readme, line }))),
  );
}

const ADD_LINE =
  /^yarn --cwd packages\/(app|backend) add (@beskar7\/[a-z0-9-]+)@\^\d+\.\d+\.\d+$/;

function commands(readmes) {
  const found = lines(readmes, 'command');
  for (const { readme, line } of found) {
    if (!ADD_LINE.test(line)) {
      throw new Error(`${readme}: install line the test cannot run: ${line}`);
    }
  }
  if (found.length === 0) throw new Error('no install lines in the READMEs');
  return found.map(l => l.line);
}

function clone(readmes) {
  const found = lines(readmes, 'clone');
  if (found.length === 0) throw new Error('no lines to run in the clone');
  return found.map(l => l.line);
}

function merge(target, source) {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isObject(current) && isObject(value)) merge(current, value);
    else target[key] = value;
  }
  return target;
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `"resolutions": {...}` blocks, merged into the app's package.json. */
function packageJson(appDir, createAppLog, readmes) {
  // create-app aligns its columns: "fetching      yarn.lock seed ✖".
  const withoutSeed = readFileSync(createAppLog, 'utf8')
    .replace(/[ \t]+/g, ' ')
    .includes(NO_SEED);
  const all = readmes
    .flatMap(steps)
    .filter(
      s =>
        s.kind === 'package' ||
        (s.kind === 'package-without-seed' && withoutSeed),
    );
  if (!all.some(s => s.kind === 'package')) {
    throw new Error('no package.json block in the READMEs');
  }
  const file = join(appDir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  for (const step of all) {
    merge(pkg, JSON.parse(`{${step.content}}`));
    console.log(`${step.readme}: ${step.kind}\n${step.content}\n`);
  }
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

function apply(appDir, readmes) {
  const all = readmes.flatMap(steps);
  const backendIndex = join(appDir, 'packages/backend/src/index.ts');
  let index = readFileSync(backendIndex, 'utf8');
  for (const step of all.filter(s => s.kind === 'replace')) {
    const escaped = step.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const call = new RegExp(
      `backend\\.add\\(\\s*import\\('${escaped}'\\),?\\s*\\);`,
    );
    if (!call.test(index)) {
      throw new Error(`${backendIndex} does not add ${step.module}`);
    }
    index = index.replace(call, step.content);
  }
  const additions = all.filter(s => s.kind === 'backend');
  if (additions.length === 0) throw new Error('no backend.add lines');
  if (!index.includes('backend.start();')) {
    throw new Error(`${backendIndex} has no backend.start();`);
  }
  index = index.replace(
    'backend.start();',
    `${additions.map(s => s.content).join('\n')}\nbackend.start();`,
  );
  writeFileSync(backendIndex, index);

  const configFile = join(appDir, 'app-config.yaml');
  const config = YAML.parse(readFileSync(configFile, 'utf8'));
  for (const step of all.filter(s => s.kind === 'config')) {
    merge(config, YAML.parse(step.content));
  }
  writeFileSync(configFile, YAML.stringify(config));
  for (const step of all.filter(s =>
    ['replace', 'backend', 'config'].includes(s.kind),
  )) {
    console.log(`${step.readme}: ${step.kind}\n${step.content}\n`);
  }
}

if (mode === 'clone') {
  console.log(clone(args).join('\n'));
} else if (mode === 'commands') {
  console.log(commands(args).join('\n'));
} else if (mode === 'package') {
  packageJson(args[0], args[1], args.slice(2));
} else if (mode === 'apply') {
  apply(args[0], args.slice(1));
} else {
  throw new Error('usage: readme-steps.mjs clone|commands|package|apply ...');
}
