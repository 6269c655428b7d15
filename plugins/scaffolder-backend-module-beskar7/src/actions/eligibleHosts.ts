import {
  Host,
  HostRequirements,
  matchesRequirements,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Beskar7RequestOptions,
  Beskar7Service,
} from '@beskar7/backstage-plugin-beskar7-node';

/**
 * Every Available host that satisfies the requirements, by name. This is
 * what a dry run can honestly report: which of them the claim engine picks
 * depends on its ranking and on concurrent claims, both inside the plugin.
 * The API filters by pool, tags and labels; the rest is checked here with
 * the claim engine's own matching from -common.
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

/** The claim engine's own matching, on what the API returned. */
function satisfies(host: Host, requirements: HostRequirements): boolean {
  return matchesRequirements({ ...host, ...host.hardware }, requirements);
}
