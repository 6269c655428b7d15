/**
 * Writes the PrometheusRule's rule groups as a plain Prometheus rules file,
 * for promtool: `writeRules.ts <out.yaml>`.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { readRuleGroups } from './rules';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: writeRules.ts <out.yaml>\n');
  process.exit(2);
}
writeFileSync(out, stringify(readRuleGroups()));
