import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A rule of a Prometheus rule group, as the PrometheusRule's spec holds it. */
export interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroups {
  groups: Array<{ name: string; rules: PrometheusRule[] }>;
}

/** The repository's root, from this file's folder. */
export const REPO_ROOT = join(__dirname, '../../../../..');

export const PROMETHEUS_RULE_FILE = join(
  REPO_ROOT,
  'deploy/monitoring/prometheusrule.yaml',
);
export const GRAFANA_DASHBOARD_FILE = join(
  REPO_ROOT,
  'deploy/monitoring/grafana-dashboard.json',
);

/**
 * The rule groups of the PrometheusRule that deploy/monitoring ships: its
 * `spec`, which is a Prometheus rules file as the server and promtool read it.
 */
export function readRuleGroups(file = PROMETHEUS_RULE_FILE): RuleGroups {
  const resource = parse(readFileSync(file, 'utf8'));
  if (resource?.kind !== 'PrometheusRule' || !resource.spec?.groups) {
    throw new Error(`${file} is not a PrometheusRule with spec.groups`);
  }
  return resource.spec as RuleGroups;
}

/** Every alert rule, in file order. */
export function alertRules(groups: RuleGroups): PrometheusRule[] {
  return groups.groups.flatMap(g => g.rules.filter(r => r.alert));
}

/**
 * A copy for the alert drill: each alert's `for` becomes `forSeconds`, so
 * that a fault is seen firing in seconds rather than minutes. Expressions,
 * thresholds and windows are the shipped ones.
 */
export function withShortFor(groups: RuleGroups, forSeconds: number) {
  return {
    groups: groups.groups.map(g => ({
      ...g,
      rules: g.rules.map(r => (r.alert ? { ...r, for: `${forSeconds}s` } : r)),
    })),
  };
}

/** The path part of an alert's runbook_url: the route it opens in the portal. */
export function runbookPath(rule: PrometheusRule): string {
  const url = rule.annotations?.runbook_url;
  if (!url) throw new Error(`Alert ${rule.alert} has no runbook_url`);
  return new URL(url).pathname;
}

/** The runbook id a runbook_url names: /beskar7/runbooks/<id>. */
export function runbookId(rule: PrometheusRule): string {
  const match = /^\/beskar7\/runbooks\/([a-z0-9-]+)$/.exec(runbookPath(rule));
  if (!match) {
    throw new Error(
      `Alert ${rule.alert}: runbook_url does not open a runbook (${runbookPath(
        rule,
      )})`,
    );
  }
  return match[1];
}
