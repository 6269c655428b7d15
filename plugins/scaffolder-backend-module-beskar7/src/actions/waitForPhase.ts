import {
  Machine,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';

export interface WaitOptions {
  /** Reads the machine's current state. */
  read(id: string): Promise<Machine>;
  ids: string[];
  phase: MachinePhase;
  timeoutSeconds: number;
  pollIntervalMs: number;
  signal?: AbortSignal;
  /** Called when a machine reaches the phase. */
  onReached?(machine: Machine): void;
}

/**
 * Polls the machines until all of them are in `phase`. A `Failed` machine, a
 * timeout or an aborted task end the wait with an error naming the machine.
 */
export async function waitForPhase(options: WaitOptions): Promise<Machine[]> {
  const { read, phase, signal } = options;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const done = new Map<string, Machine>();
  for (;;) {
    for (const id of options.ids.filter(i => !done.has(i))) {
      const machine = await read(id);
      if (machine.phase === phase) {
        done.set(id, machine);
        options.onReached?.(machine);
      } else if (machine.phase === 'Failed') {
        throw new Error(
          `Machine ${machine.name} failed: ${
            machine.failureReason ?? 'no reason given'
          }`,
        );
      }
    }
    if (done.size === options.ids.length) {
      return options.ids.map(id => done.get(id)!);
    }
    signal?.throwIfAborted();
    if (Date.now() > deadline) {
      const waiting = options.ids.filter(i => !done.has(i));
      throw new Error(
        `Timed out after ${options.timeoutSeconds}s waiting for ${
          waiting.length
        } machine(s) to be ${phase}: ${waiting.join(', ')}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, options.pollIntervalMs));
  }
}
