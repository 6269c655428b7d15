import { readdirSync, readFileSync } from 'node:fs';

/*
 * CPU time of processes as Linux accounts it (/proc/<pid>/stat), so that a
 * benchmark can say where a claim's CPU went: in the database or in the
 * replicas. Elsewhere (no /proc) every reading is undefined.
 */

const TICKS_PER_SECOND = 100;

interface ProcStat {
  comm: string;
  /** utime + stime, and cutime + cstime: children waited for (exited backends). */
  ticks: number;
  childTicks: number;
}

function readStat(pid: number | string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself hold spaces.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return {
      comm: text.slice(text.indexOf('(') + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by these processes; undefined without /proc. */
export function cpuSecondsOf(pids: number[]): number | undefined {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) return undefined;
    ticks += stat.ticks;
  }
  return ticks / TICKS_PER_SECOND;
}

/**
 * CPU seconds used so far by every process named `postgres` on this
 * machine, with the backends that have exited (counted in their parent's
 * children's time); undefined without /proc.
 */
export function postgresCpuSeconds(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat?.comm === 'postgres') ticks += stat.ticks + stat.childTicks;
  }
  return ticks / TICKS_PER_SECOND;
}
