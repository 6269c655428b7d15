import {
  Host,
  HostRequirements,
  LabelSelector,
} from '@internal/backstage-plugin-beskar7-common';
import {
  Beskar7RequestOptions,
  Beskar7Service,
} from '@internal/backstage-plugin-beskar7-node';

/**
 * Every Available host that satisfies the requirements, by name. This is
 * what a dry run can honestly report: which of them the claim engine picks
 * depends on its ranking and on concurrent claims, both inside the plugin.
 * The API filters by pool, tags and labels; the rest is checked here with
 * the claim engine's semantics (an unknown amount never meets a minimum).
 */
export async function eligibleHosts(
  beskar7: Beskar7Service,
  requirements: HostRequirements,
  options: Beskar7RequestOptions,
): Promise<Host[]> {
  const hosts: Host[] = [];
  for (;;) {
    const page = await beskar7.listHosts(
      {
        state: ['Available'],
        pool: requirements.pool,
        tags: requirements.tags,
        labels: requirements.selector?.matchLabels,
        offset: hosts.length,
        limit: 500,
      },
      options,
    );
    hosts.push(...page.items);
    if (page.items.length === 0 || hosts.length >= page.totalCount) break;
  }
  return hosts.filter(host => satisfies(host, requirements));
}

function satisfies(host: Host, requirements: HostRequirements): boolean {
  const { hardware } = host;
  return (
    matchesExpressions(host.labels, requirements.selector) &&
    atLeast(hardware.cpuCores, requirements.minCpuCores) &&
    atLeast(hardware.memoryGiB, requirements.minMemoryGiB) &&
    atLeast(hardware.diskGiB, requirements.minDiskGiB) &&
    (requirements.failureDomain === undefined ||
      host.failureDomain === requirements.failureDomain)
  );
}

function atLeast(actual: number | undefined, min: number | undefined) {
  return min === undefined || (actual !== undefined && actual >= min);
}

function matchesExpressions(
  labels: Record<string, string>,
  selector: LabelSelector | undefined,
): boolean {
  return (selector?.matchExpressions ?? []).every(
    ({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key);
      switch (operator) {
        case 'In':
          return has && values.includes(labels[key]);
        case 'NotIn':
          return !has || !values.includes(labels[key]);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          return false;
      }
    },
  );
}
