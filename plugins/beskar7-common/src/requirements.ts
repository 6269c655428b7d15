import { canProvision, ProvisioningNeeds } from './capabilities';
import { HostCapabilities, HostRequirements, LabelSelector } from './types';

/** The facts about a host that requirements are matched against. */
export interface HostFacts {
  namespace?: string;
  pool: string;
  labels: Record<string, string>;
  tags: string[];
  failureDomain?: string;
  cpuCores?: number;
  memoryGiB?: number;
  diskGiB?: number;
  capabilities?: HostCapabilities;
}

/** Kubernetes label selector semantics: every matchLabels entry and every expression must hold. */
export function matchesLabelSelector(
  labels: Record<string, string>,
  selector: LabelSelector,
): boolean {
  const has = (key: string) => Object.hasOwn(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(key) || labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ??
    []) {
    switch (operator) {
      case 'In':
        if (!has(key) || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has(key) && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has(key)) return false;
        break;
      case 'DoesNotExist':
        if (has(key)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** At least `min` when a minimum is asked for; an unknown amount never satisfies a minimum. */
function atLeast(actual: number | undefined, min: number | undefined) {
  return min === undefined || (actual !== undefined && actual >= min);
}

/**
 * True when the host satisfies every requirement present and, when the
 * machine's `needs` are given, can provision it (canProvision).
 */
export function matchesRequirements(
  host: HostFacts,
  requirements: HostRequirements,
  needs?: ProvisioningNeeds,
): boolean {
  if (needs && !canProvision(host.capabilities, needs)) {
    return false;
  }
  if (
    requirements.namespace !== undefined &&
    host.namespace !== requirements.namespace
  ) {
    return false;
  }
  if (requirements.pool !== undefined && host.pool !== requirements.pool) {
    return false;
  }
  if (
    requirements.failureDomain !== undefined &&
    host.failureDomain !== requirements.failureDomain
  ) {
    return false;
  }
  if (
    !atLeast(host.cpuCores, requirements.minCpuCores) ||
    !atLeast(host.memoryGiB, requirements.minMemoryGiB) ||
    !atLeast(host.diskGiB, requirements.minDiskGiB)
  ) {
    return false;
  }
  if (requirements.tags?.some(tag => !host.tags.includes(tag))) {
    return false;
  }
  return (
    !requirements.selector ||
    matchesLabelSelector(host.labels, requirements.selector)
  );
}
