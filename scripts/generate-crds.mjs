#!/usr/bin/env node
// Writes the parts of deploy/crds that are derived from another CRD, so that
// they cannot drift: Beskar7MachineTemplate's spec.template.spec is
// Beskar7Machine's spec without the fields only a machine has (providerID,
// set by Beskar7) and without its CEL rules (the template is immutable as a
// whole, and the API server checks a machine's own rules when Cluster API
// clones the template into a Beskar7Machine).
//
//   node scripts/generate-crds.mjs           # rewrites the derived files
//   node scripts/generate-crds.mjs --check   # exits 1 naming a stale file
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { isMap, parseDocument, visit } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CRDS = join(ROOT, 'deploy/crds');
const SCHEMA = ['spec', 'versions', 0, 'schema', 'openAPIV3Schema'];
const MACHINE_ONLY_FIELDS = ['providerID'];

const load = file => parseDocument(readFileSync(join(CRDS, file), 'utf8'));

function templateSpecSchema() {
  const spec = load('beskar7machines.yaml')
    .getIn([...SCHEMA, 'properties', 'spec'], true)
    .clone();
  for (const field of MACHINE_ONLY_FIELDS) spec.deleteIn(['properties', field]);
  visit(spec, {
    Map(_, node) {
      if (isMap(node)) node.delete('x-kubernetes-validations');
    },
  });
  return spec;
}

async function render(file, path, node) {
  const doc = load(file);
  doc.setIn(path, node);
  const options = await prettier.resolveConfig(join(CRDS, file));
  return prettier.format(doc.toString(), { ...options, parser: 'yaml' });
}

const derived = {
  'beskar7machinetemplates.yaml': () =>
    render(
      'beskar7machinetemplates.yaml',
      [
        ...SCHEMA,
        'properties',
        'spec',
        'properties',
        'template',
        'properties',
        'spec',
      ],
      templateSpecSchema(),
    ),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, generate] of Object.entries(derived)) {
  const path = join(CRDS, file);
  const text = await generate();
  if (text === readFileSync(path, 'utf8')) continue;
  if (check) {
    stale++;
    console.error(
      `${relative(ROOT, path)} is stale: run node scripts/generate-crds.mjs`,
    );
  } else {
    writeFileSync(path, text);
    console.error(`wrote ${relative(ROOT, path)}`);
  }
}
process.exit(stale ? 1 : 0);
