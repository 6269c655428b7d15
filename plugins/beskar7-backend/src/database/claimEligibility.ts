import {
  bootTargetFor,
  HostRequirements,
  ISO_MEDIA_TYPES,
  ProvisioningNeeds,
  VIRTUAL_MEDIA_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { isPostgres } from './dialect';
import { HOSTS_TABLE } from './hostRows';

/** What the claim filter reads of a machine. */
export type EligibilityInput = ProvisioningNeeds & {
  requirements: HostRequirements;
};

/**
 * Restricts a query over beskar7_hosts to the hosts a machine with these
 * requirements and needs may claim now, entirely in SQL, as
 * matchesRequirements in -common has it (ClaimStore's ELIGIBLE_SQL is the
 * same filter for the one-statement claims, reading the machine row). The
 * literal `state = 'Available'` lets the planner use the ring's partial
 * indexes; an equality on the pool, their per-pool one.
 */
export function whereEligible(
  knex: Knex,
  query: Knex.QueryBuilder,
  { requirements, ...needs }: EligibilityInput,
): Knex.QueryBuilder {
  const h = HOSTS_TABLE;
  query
    .whereRaw(`${h}.state = 'Available'`)
    .whereNull(`${h}.consumer_id`)
    .whereNull(`${h}.removal_requested_at`);
  whereCapable(knex, query, needs);
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

/**
 * The hosts whose BMC can do the machine's provisioning and boot mode, as
 * canProvision has it: unknown capabilities (media types NULL) pass, an
 * unlisted boot target or mode restricts nothing.
 */
function whereCapable(
  knex: Knex,
  query: Knex.QueryBuilder,
  needs: ProvisioningNeeds,
) {
  const h = HOSTS_TABLE;
  /** The JSON list in `column` holds one of `count` bound values. */
  const has = (column: string, count: number) => {
    const marks = Array(count).fill('?').join(', ');
    return isPostgres(knex)
      ? `jsonb_exists_any(${h}.${column}::jsonb, ARRAY[${marks}]::text[])`
      : `EXISTS (SELECT 1 FROM json_each(${h}.${column}) WHERE value IN (${marks}))`;
  };
  const iso = VIRTUAL_MEDIA_MODES.includes(needs.provisioningMode);
  const clauses = [
    ...(iso
      ? [
          {
            sql: has('virtual_media_types', ISO_MEDIA_TYPES.length),
            values: ISO_MEDIA_TYPES,
          },
        ]
      : []),
    {
      sql: `(${h}.boot_source_targets IS NULL OR ${has(
        'boot_source_targets',
        1,
      )})`,
      values: [bootTargetFor(needs.provisioningMode)],
    },
    {
      sql: `(${h}.boot_source_modes IS NULL OR ${has('boot_source_modes', 1)})`,
      values: [needs.bootMode],
    },
  ];
  query.whereRaw(
    `(${h}.virtual_media_types IS NULL OR (${clauses
      .map(c => c.sql)
      .join(' AND ')}))`,
    clauses.flatMap(c => [...c.values]),
  );
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
