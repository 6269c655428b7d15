import { HostRequirements } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { isPostgres } from './dialect';
import { HOSTS_TABLE } from './hostRows';

/**
 * Restricts a query over beskar7_hosts to the hosts a machine with these
 * requirements may claim now, entirely in SQL, as matchesRequirements in
 * -common has it (ClaimStore's ELIGIBLE_SQL is the same filter for the
 * one-statement claims, reading the requirements from the machine row). The
 * literal `state = 'Available'` lets the planner use the ring's partial
 * indexes; an equality on the pool, their per-pool one.
 */
export function whereEligible(
  knex: Knex,
  query: Knex.QueryBuilder,
  requirements: HostRequirements,
): Knex.QueryBuilder {
  const h = HOSTS_TABLE;
  query
    .whereRaw(`${h}.state = 'Available'`)
    .whereNull(`${h}.consumer_id`)
    .whereNull(`${h}.removal_requested_at`);
  if (requirements.namespace !== undefined) {
    query.where(`${h}.namespace`, requirements.namespace);
  }
  if (requirements.pool !== undefined) {
    query.where(`${h}.pool`, requirements.pool);
  }
  if (requirements.failureDomain !== undefined) {
    query.where(`${h}.failure_domain`, requirements.failureDomain);
  }
  if (requirements.minCpuCores !== undefined) {
    query.where(`${h}.cpu_cores`, '>=', requirements.minCpuCores);
  }
  if (requirements.minMemoryGiB !== undefined) {
    query.where(`${h}.memory_gib`, '>=', requirements.minMemoryGiB);
  }
  if (requirements.minDiskGiB !== undefined) {
    query.where(`${h}.disk_gib`, '>=', requirements.minDiskGiB);
  }
  const json = jsonSql(knex);
  for (const tag of requirements.tags ?? []) {
    query.whereRaw(`EXISTS (SELECT 1 FROM ${json.tags} WHERE t.value = ?)`, [
      tag,
    ]);
  }
  const selector = requirements.selector ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    query.whereRaw(
      `EXISTS (SELECT 1 FROM ${json.labels} WHERE l.key = ? AND l.value = ?)`,
      [key, value],
    );
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ??
    []) {
    const has = (inValues: boolean) =>
      `EXISTS (SELECT 1 FROM ${json.labels} WHERE l.key = ?${
        inValues ? ` AND l.value IN (${values.map(() => '?').join(', ')})` : ''
      })`;
    switch (operator) {
      case 'In':
        // No values: nothing is in the empty set.
        if (values.length) query.whereRaw(has(true), [key, ...values]);
        else query.whereRaw('1 = 0');
        break;
      case 'NotIn':
        if (values.length) query.whereRaw(`NOT ${has(true)}`, [key, ...values]);
        break;
      case 'Exists':
        query.whereRaw(has(false), [key]);
        break;
      case 'DoesNotExist':
        query.whereRaw(`NOT ${has(false)}`, [key]);
        break;
      default:
        query.whereRaw('1 = 0');
    }
  }
  return query;
}

/** The host's labels as rows (key, value) named `l`, and its tags as rows (value) named `t`. */
function jsonSql(knex: Knex) {
  const h = HOSTS_TABLE;
  return isPostgres(knex)
    ? {
        labels: `jsonb_each_text(${h}.labels::jsonb) AS l(key, value)`,
        tags: `jsonb_array_elements_text(${h}.tags::jsonb) AS t(value)`,
      }
    : {
        labels: `json_each(${h}.labels) AS l`,
        tags: `json_each(${h}.tags) AS t`,
      };
}
