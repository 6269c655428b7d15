#!/usr/bin/env node
// clusterctl's release artefacts for the Beskar7 infrastructure provider,
// generated from deploy/ so that they install what `kubectl apply -k deploy/`
// installs:
//
//   OUT/infrastructure-beskar7/vX.Y.Z/infrastructure-components.yaml
//   OUT/infrastructure-beskar7/vX.Y.Z/metadata.yaml
//   OUT/infrastructure-beskar7/vX.Y.Z/cluster-template.yaml
//
// That folder is a clusterctl repository: a clusterctl.yaml naming
// file://OUT/infrastructure-beskar7/vX.Y.Z/infrastructure-components.yaml
// as the provider `beskar7` lets `clusterctl init` and `clusterctl generate
// cluster` use it offline. The version is the backend plugin's.
//
//   node scripts/clusterctl-release.mjs [OUT]   # OUT defaults to dist/clusterctl (git-ignored)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEPLOY = join(ROOT, 'deploy');
const CONTRACT = 'v1beta1';

// The PostgreSQL Secret is a clusterctl variable. The image is not: clusterctl
// parses it, canonical, before it substitutes variables (`--describe`), so it
// is the release's (GitHub's registry for the repository), and a registry of
// your own is clusterctl's `images: {infrastructure-beskar7: {repository: ...}}`.
const REGISTRY = 'ghcr.io/beskar7/backstage-plugins';
const POSTGRES_SECRET = '${BESKAR7_POSTGRES_SECRET:=beskar7-postgres}';

// Needs the Prometheus Operator's CRDs, which a management cluster may not
// have: installed apart, as docs/monitoring.md says.
const NOT_COMPONENTS = new Set(['monitoring/prometheusrule.yaml']);

const version = JSON.parse(
  readFileSync(join(ROOT, 'plugins/beskar7-backend/package.json'), 'utf8'),
).version;
const [major, minor] = version.split('.').map(Number);

function componentDocuments() {
  const { resources } = parse(
    readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8'),
  );
  return resources
    .filter(file => !NOT_COMPONENTS.has(file))
    .flatMap(file =>
      parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map(d =>
        d.toJS(),
      ),
    )
    .map(withVariables);
}

function withVariables(object) {
  if (object.kind !== 'Deployment') return object;
  for (const container of object.spec.template.spec.containers) {
    container.image = `${REGISTRY}/${
      container.image.split(':')[0]
    }:v${version}`;
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref?.name === 'beskar7-postgres') ref.name = POSTGRES_SECRET;
    }
  }
  return object;
}

const documents = objects =>
  objects.map(o => stringify(o, { lineWidth: 0 })).join('---\n');

const out = resolve(process.argv[2] ?? join(ROOT, 'dist/clusterctl'));
const dir = join(out, 'infrastructure-beskar7', `v${version}`);
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'infrastructure-components.yaml'),
  documents(componentDocuments()),
);
writeFileSync(
  join(dir, 'metadata.yaml'),
  stringify({
    apiVersion: 'clusterctl.cluster.x-k8s.io/v1alpha3',
    kind: 'Metadata',
    releaseSeries: [{ major, minor, contract: CONTRACT }],
  }),
);
writeFileSync(
  join(dir, 'cluster-template.yaml'),
  readFileSync(join(DEPLOY, 'cluster-api/cluster-template.yaml')),
);
process.stdout.write(`${dir}\n`);
