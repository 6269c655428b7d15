import {
  CheckStatus,
  DiagnosticCheck,
  HOST_STATES,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { RateSample } from './ports';
import { FleetSnapshot, Measured } from './snapshot';
import { judgeCooldownWaits, THRESHOLDS } from './thresholds';

type Check = (snapshot: FleetSnapshot) => DiagnosticCheck;

const HELD_STATES: HostState[] = ['Claimed', 'Provisioning', 'Provisioned'];

export const percent = (fraction: number) =>
  `${(fraction * 100).toFixed(1).replace(/\.0$/, '')}%`;

function unmeasured(
  base: Pick<DiagnosticCheck, 'id' | 'title' | 'threshold' | 'runbookId'>,
  fact: Measured<unknown>,
): DiagnosticCheck | undefined {
  if (fact.ok) return undefined;
  return {
    ...base,
    status: 'warning',
    value: 'unknown',
    message: `Could not be measured: ${fact.error}`,
  };
}

/** A rate check: ok below the sample minimum, else compared with the limits. */
function rateCheck(
  base: Pick<DiagnosticCheck, 'id' | 'title' | 'runbookId'> & {
    threshold: string;
  },
  fact: Measured<RateSample>,
  limits: { warningAbove: number; errorAbove?: number; minSamples: number },
  describe: (rate: number, sample: RateSample) => string,
): DiagnosticCheck {
  const failed = unmeasured(base, fact);
  if (failed || !fact.ok) return failed!;
  const sample = fact.value;
  if (sample.total < limits.minSamples) {
    return {
      ...base,
      status: 'ok',
      value: `${sample.hits}/${sample.total}`,
      message: `Too few events to judge (${sample.total}, fewer than ${limits.minSamples})`,
      runbookId: undefined,
    };
  }
  const rate = sample.hits / sample.total;
  let status: CheckStatus = 'ok';
  if (limits.errorAbove !== undefined && rate > limits.errorAbove) {
    status = 'error';
  } else if (rate > limits.warningAbove) status = 'warning';
  return {
    ...base,
    status,
    value: percent(rate),
    message: describe(rate, sample),
    runbookId: status === 'ok' ? undefined : base.runbookId,
  };
}

const countsLine = (counts: Record<HostState, number>) =>
  HOST_STATES.filter(s => counts[s] > 0)
    .map(s => `${counts[s]} ${s}`)
    .join(', ') || 'no hosts';

const sum = (counts: Record<HostState, number>, states: readonly HostState[]) =>
  states.reduce((total, s) => total + (counts[s] ?? 0), 0);

export const replicasCheck: Check = snapshot => {
  const t = THRESHOLDS.leader;
  const base = {
    id: 'replicas',
    title: 'Backend replicas and leader',
    threshold:
      snapshot.coordinationMode === 'leader'
        ? 'one live leader, one mode on every replica'
        : 'one mode on every replica',
  };
  const failed =
    unmeasured(base, snapshot.replicas) ?? unmeasured(base, snapshot.leader);
  if (failed || !snapshot.replicas.ok || !snapshot.leader.ok) return failed!;
  const replicas = snapshot.replicas.value;
  const leader = snapshot.leader.value;
  const modes = [...new Set(replicas.map(r => r.coordinationMode))];
  const believers = replicas.filter(r => r.believesLeader);
  const leading = leader?.live && leader.holderId ? leader.holderId : 'none';
  const value = `${replicas.length} replica(s), leader ${leading}`;
  if (modes.length > 1) {
    return {
      ...base,
      status: 'error',
      value,
      message: `Replicas run different coordination modes (${modes.join(
        ', ',
      )}): finish or undo the configuration rollout`,
      runbookId: 'configuration-change',
    };
  }
  if (believers.length > 1) {
    return {
      ...base,
      status: 'error',
      value,
      message: `${believers.length} replicas act as leader (${believers
        .map(r => r.id)
        .join(', ')}): split brain`,
      runbookId: t.splitBrainRunbookId,
    };
  }
  if (snapshot.coordinationMode === 'leader' && leading === 'none') {
    return {
      ...base,
      status: 'error',
      value,
      message:
        'No replica holds a live coordinator lease: claims wait until one is elected',
      runbookId: t.electionRunbookId,
    };
  }
  if (
    snapshot.coordinationMode === 'leader' &&
    !replicas.some(r => r.id === leading)
  ) {
    return {
      ...base,
      status: 'warning',
      value,
      message: `The lease holder ${leading} is not among the live replicas`,
      runbookId: t.electionRunbookId,
    };
  }
  return {
    ...base,
    status: 'ok',
    value,
    message: `${replicas.length} replica(s) in ${
      modes[0] ?? snapshot.coordinationMode
    } mode`,
  };
};

export const hostStatesCheck: Check = snapshot => {
  const base = {
    id: 'host-states',
    title: 'Hosts by state',
    threshold: 'at least one host',
  };
  const failed = unmeasured(base, snapshot.hostCounts);
  if (failed || !snapshot.hostCounts.ok) return failed!;
  const counts = snapshot.hostCounts.value;
  const total = sum(counts, HOST_STATES);
  return {
    ...base,
    status: total === 0 ? 'warning' : 'ok',
    value: countsLine(counts),
    message:
      total === 0 ? 'No host is registered' : `${total} hosts in inventory`,
    runbookId: total === 0 ? 'capacity-planning' : undefined,
  };
};

export const hostsInErrorCheck: Check = snapshot => {
  const t = THRESHOLDS.hostsInError;
  const base = {
    id: 'hosts-in-error',
    title: 'Hosts in Error',
    threshold: `warning at ${t.warningAtLeast}, error at ${percent(
      t.errorAtShareOfFleet,
    )} of the fleet`,
    runbookId: t.runbookId,
  };
  const failed = unmeasured(base, snapshot.hostCounts);
  if (failed || !snapshot.hostCounts.ok) return failed!;
  const counts = snapshot.hostCounts.value;
  const inError = counts.Error ?? 0;
  const total = sum(counts, HOST_STATES);
  let status: CheckStatus = 'ok';
  if (total > 0 && inError / total >= t.errorAtShareOfFleet) status = 'error';
  else if (inError >= t.warningAtLeast) status = 'warning';
  return {
    ...base,
    status,
    value: inError,
    message:
      status === 'error'
        ? `${inError} of ${total} hosts are in Error: look for a common cause (BMC network, image server) first`
        : `${inError} host(s) in Error`,
    runbookId: status === 'ok' ? undefined : base.runbookId,
  };
};

export const hostShortageCheck: Check = snapshot => {
  const base = {
    id: 'host-shortage',
    title: 'Available hosts',
    threshold: 'at least one Available host while hosts are claimed',
    runbookId: THRESHOLDS.hostShortage.runbookId,
  };
  const failed = unmeasured(base, snapshot.hostCounts);
  if (failed || !snapshot.hostCounts.ok) return failed!;
  const counts = snapshot.hostCounts.value;
  const held = sum(counts, HELD_STATES);
  const shortage = counts.Available === 0 && held > 0;
  return {
    ...base,
    status: shortage ? 'warning' : 'ok',
    value: counts.Available,
    message: shortage
      ? `No Available host while ${held} are held by machines: the next request will wait`
      : `${counts.Available} Available, ${held} held by machines`,
    runbookId: shortage ? base.runbookId : undefined,
  };
};

export const pendingMachinesCheck: Check = snapshot => {
  const base = {
    id: 'pending-machines',
    title: 'Pending machines',
    threshold: 'no pending machine without an Available host',
    runbookId: THRESHOLDS.pendingWithoutHosts.runbookId,
  };
  const failed =
    unmeasured(base, snapshot.pendingMachines) ??
    unmeasured(base, snapshot.hostCounts);
  if (failed || !snapshot.pendingMachines.ok || !snapshot.hostCounts.ok) {
    return failed!;
  }
  const pending = snapshot.pendingMachines.value;
  const available = snapshot.hostCounts.value.Available;
  const starved = pending > 0 && available === 0;
  return {
    ...base,
    status: starved ? 'error' : 'ok',
    value: pending,
    message: starved
      ? `${pending} machine(s) pending and no Available host: add hosts or release machines`
      : `${pending} pending, ${available} Available`,
    runbookId: starved ? base.runbookId : undefined,
  };
};

export const warningEventsCheck: Check = snapshot => {
  const t = THRESHOLDS.warningEvents;
  const base = {
    id: 'warning-events',
    title: 'Recent warning events',
    threshold: `warning at ${t.warningAtLeast}, error at ${
      t.errorAtLeast
    } in the last ${t.windowMs / 60_000} min`,
    runbookId: t.runbookId,
  };
  const failed = unmeasured(base, snapshot.warningEvents);
  if (failed || !snapshot.warningEvents.ok) return failed!;
  const events = snapshot.warningEvents.value;
  let status: CheckStatus = 'ok';
  if (events.length >= t.errorAtLeast) status = 'error';
  else if (events.length >= t.warningAtLeast) status = 'warning';
  const byReason = new Map<string, number>();
  for (const e of events) {
    byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
  }
  const top = [...byReason]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, n]) => `${reason} (${n})`)
    .join(', ');
  return {
    ...base,
    status,
    value: events.length,
    message: events.length ? `Most frequent: ${top}` : 'No warning events',
    runbookId: status === 'ok' ? undefined : base.runbookId,
  };
};

export const claimConflictsCheck: Check = snapshot => {
  const t = THRESHOLDS.claimConflictRate;
  return rateCheck(
    {
      id: 'claim-conflicts',
      title: 'Claim conflict rate',
      threshold: `> ${percent(t.warningAbove)} of claim attempts`,
      runbookId: t.runbookId,
    },
    snapshot.claimConflicts,
    t,
    (_, s) =>
      `${s.hits} of ${s.total} claim attempts in the last ${
        t.windowMs / 60_000
      } min lost to another replica`,
  );
};

export const queueLengthCheck: Check = snapshot => {
  const t = THRESHOLDS.queueLength;
  // A paused queue is resumed by the drain-and-reset procedure, a long one is a backlog.
  const runbookFor = (paused: boolean) =>
    paused ? 'queue-drain-reset' : t.runbookId;
  const base = {
    id: 'queue-length',
    title: 'Provisioning queue length',
    threshold: `warning > ${t.warningAbove}, error at ${percent(
      t.errorAtShareOfMax,
    )} of maxQueueSize`,
    runbookId: t.runbookId,
  };
  const failed = unmeasured(base, snapshot.queue);
  if (failed || !snapshot.queue.ok) return failed!;
  const queue = snapshot.queue.value;
  let status: CheckStatus = 'ok';
  // maxQueueSize bounds queued and running jobs together.
  if (
    queue.length + queue.processing >=
    t.errorAtShareOfMax * queue.maxQueueSize
  ) {
    status = 'error';
  } else if (queue.length > t.warningAbove) status = 'warning';
  const switches = [
    queue.paused && 'paused',
    queue.draining && 'draining',
  ].filter(Boolean);
  // A paused queue does no work however short it is.
  if (status === 'ok' && queue.paused) status = 'warning';
  return {
    ...base,
    status,
    value: queue.length,
    message: `${queue.length} queued of ${queue.maxQueueSize}, ${
      queue.processing
    } running of ${queue.maxConcurrentOps}${
      switches.length ? ` (${switches.join(', ')})` : ''
    }`,
    runbookId: status === 'ok' ? undefined : runbookFor(queue.paused),
  };
};

export const bmcErrorsCheck: Check = snapshot => {
  const t = THRESHOLDS.bmcErrorRate;
  return rateCheck(
    {
      id: 'bmc-errors',
      title: 'BMC error rate',
      threshold: `warning > ${percent(t.warningAbove)}, error > ${percent(
        t.errorAbove,
      )} of BMC requests`,
      runbookId: t.runbookId,
    },
    snapshot.bmcErrors,
    t,
    (_, s) =>
      `${s.hits} of ${s.total} BMC requests failed in the last ${
        t.windowMs / 60_000
      } min`,
  );
};

export const bmcCooldownsCheck: Check = snapshot => {
  const t = THRESHOLDS.cooldownWaits;
  const base = {
    id: 'bmc-cooldowns',
    title: 'Operations held back by BMC cooldowns',
    threshold: `> ${t.warningAbovePerSecond} waits/s over ${
      t.windowMs / 60_000
    } min`,
    runbookId: t.runbookId,
  };
  const check = ((): DiagnosticCheck => {
    const failed = unmeasured(base, snapshot.cooldownWaits);
    if (failed || !snapshot.cooldownWaits.ok) return failed!;
    const sample = snapshot.cooldownWaits.value;
    const { perSecond, judged, over } = judgeCooldownWaits(sample);
    const value = `${perSecond.toFixed(2)}/s`;
    if (!judged) {
      return {
        ...base,
        status: 'ok',
        value,
        message: `Too few waits to judge (${sample.events}, fewer than ${t.minSamples})`,
        runbookId: undefined,
      };
    }
    const status = over ? 'warning' : 'ok';
    return {
      ...base,
      status,
      value,
      message: `${
        sample.events
      } operations waited for a BMC cooldown in ${Math.round(
        sample.seconds,
      )} s (${value})`,
      runbookId: status === 'ok' ? undefined : base.runbookId,
    };
  })();
  const cooling = snapshot.queue.ok ? snapshot.queue.value.cooldowns.length : 0;
  return cooling
    ? {
        ...check,
        message: `${check.message}; ${cooling} BMC(s) cooling down now`,
      }
    : check;
};

export const databaseCheck: Check = snapshot => {
  const t = THRESHOLDS.databaseLatency;
  const base = {
    id: 'database',
    title: 'Database reachability and latency',
    threshold: `warning > ${t.warningAboveMs} ms, error > ${t.errorAboveMs} ms`,
    runbookId: t.runbookId,
  };
  const fact = snapshot.databaseLatencyMs;
  if (!fact.ok) {
    return {
      ...base,
      status: 'error',
      value: 'unreachable',
      message: `Database unreachable: ${fact.error}`,
    };
  }
  const ms = fact.value;
  let status: CheckStatus = 'ok';
  if (ms > t.errorAboveMs) status = 'error';
  else if (ms > t.warningAboveMs) status = 'warning';
  return {
    ...base,
    status,
    value: `${Math.round(ms)} ms`,
    message: `A trivial query took ${ms.toFixed(1)} ms`,
    runbookId: status === 'ok' ? undefined : base.runbookId,
  };
};

/** The checks in the order the report lists them. */
/** A loopback address: a login sent there never crosses a network. */
function staysOnMachine(address: string): boolean {
  const host = new URL(address).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Every plain-HTTP opt-in is listed; one whose login crosses a network warns. */
export const plainHttpCheck: Check = snapshot => {
  const base = {
    id: 'plain-http-logins',
    title: 'BMC logins over plain HTTP',
    threshold: 'warning when a login crosses the network in clear text',
    runbookId: THRESHOLDS.plainHttpLogins.runbookId,
  };
  const failed = unmeasured(base, snapshot.plainHttpHosts);
  if (failed || !snapshot.plainHttpHosts.ok) return failed!;
  const hosts = snapshot.plainHttpHosts.value;
  const exposed = hosts.filter(h => !staysOnMachine(h.address));
  const names = (list: typeof hosts) =>
    list.map(h => `${h.namespace}/${h.name} (${h.address})`).join(', ');
  let message = 'No host sends its BMC login over plain HTTP';
  if (exposed.length > 0) {
    message = `${
      exposed.length
    } host(s) send their BMC login over the network in clear text, by their own bmc.allowPlainHttp opt-in: ${names(
      exposed,
    )}`;
  } else if (hosts.length > 0) {
    message = `${
      hosts.length
    } host(s) opted in to plain HTTP, all on this machine's loopback: ${names(
      hosts,
    )}`;
  }
  return {
    ...base,
    status: exposed.length > 0 ? 'warning' : 'ok',
    value: hosts.length,
    message,
    runbookId: exposed.length > 0 ? base.runbookId : undefined,
  };
};

export const CHECKS: Check[] = [
  replicasCheck,
  databaseCheck,
  hostStatesCheck,
  hostsInErrorCheck,
  hostShortageCheck,
  pendingMachinesCheck,
  warningEventsCheck,
  claimConflictsCheck,
  queueLengthCheck,
  bmcErrorsCheck,
  bmcCooldownsCheck,
  plainHttpCheck,
];
