// Prints a Cluster API manager's webhook configurations (its
// config/webhook/manifests.yaml) as JSON, one object a line, pointed at a
// manager running outside the cluster: each webhook's service becomes
// https://127.0.0.1:PORT<path> trusted through CA_FILE, and each
// configuration is renamed PREFIX-<name> so that the managers' configurations
// (all called mutating-/validating-webhook-configuration) do not replace
// one another.
//
//   node webhook-configurations.mjs FILE PORT CA_FILE PREFIX
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const [file, port, caFile, prefix] = process.argv.slice(2);
const caBundle = readFileSync(caFile).toString('base64');

for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
  const config = doc.toJS();
  if (!config) continue;
  config.metadata.name = `${prefix}-${config.metadata.name}`;
  for (const webhook of config.webhooks) {
    const { path } = webhook.clientConfig.service;
    webhook.clientConfig = {
      url: `https://127.0.0.1:${port}${path}`,
      caBundle,
    };
  }
  process.stdout.write(`${JSON.stringify(config)}\n`);
}
