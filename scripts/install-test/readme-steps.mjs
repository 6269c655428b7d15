// The install steps of the plugins' READMEs, read from their code blocks so
// that the install test fails when a README is wrong. A block is a step when
// its first line names what it changes:
//
//   ```sh               # From your Backstage root directory
//                       yarn --cwd packages/<app|backend> add @beskar7/...
//   ```ts               // packages/backend/src/index.ts
//                       backend.add(import('...'));   (added before backend.start())
//   ```yaml             # app-config.yaml
//                       keys merged into the app's app-config.yaml
//
//   node readme-steps.mjs commands README.md...   prints the yarn lines
//   node readme-steps.mjs apply <app dir> README.md...   edits the app's files
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const [mode, ...args] = process.argv.slice(2);

function steps(readme) {
  const text = readFileSync(readme, 'utf8');
  const blocks = [...text.matchAll(/^```(\w+)[^\n]*\n([\s\S]*?)^```/gm)];
  return blocks.flatMap(([, lang, body]) => {
    const [first, ...rest] = body.split('\n');
    const content = rest.join('\n').trim();
    if (lang === 'sh' && first === '# From your Backstage root directory') {
      return [{ readme, kind: 'command', content }];
    }
    if (lang === 'ts' && first === '// packages/backend/src/index.ts') {
      return [{ readme, kind: 'backend', content }];
    }
    if (lang === 'yaml' && first === '# app-config.yaml') {
      return [{ readme, kind: 'config', content }];
    }
    return [];
  });
}

const ADD_LINE =
  /^yarn --cwd packages\/(app|backend) add (@beskar7\/[a-z0-9-]+)$/;

function commands(readmes) {
  const lines = readmes.flatMap(readme =>
    steps(readme)
      .filter(s => s.kind === 'command')
      .flatMap(s => s.content.split('\n').map(line => ({ readme, line }))),
  );
  for (const { readme, line } of lines) {
    if (!ADD_LINE.test(line)) {
      throw new Error(`${readme}: install line the test cannot run: ${line}`);
    }
  }
  if (lines.length === 0) throw new Error('no install lines in the READMEs');
  return lines.map(l => l.line);
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

function apply(appDir, readmes) {
  const all = readmes.flatMap(steps);
  const backendIndex = join(appDir, 'packages/backend/src/index.ts');
  let index = readFileSync(backendIndex, 'utf8');
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
  for (const step of all) {
    console.log(`${step.readme}: ${step.kind}\n${step.content}\n`);
  }
}

if (mode === 'commands') {
  console.log(commands(args).join('\n'));
} else if (mode === 'apply') {
  apply(args[0], args.slice(1));
} else {
  throw new Error('usage: readme-steps.mjs commands|apply ...');
}
