import { BmcCircuitStatus } from '@beskar7/backstage-plugin-beskar7-common';
import { StepContext } from '../types';
import { CircuitFinding, circuitStep, judgeCircuit } from './bmcCircuit';

const ADDRESS = 'https://10.0.0.7';
const open: BmcCircuitStatus = {
  address: ADDRESS,
  state: 'open',
  consecutiveFailures: 5,
  openedAt: '2026-12-05T08:00:00.000Z',
  nextProbeAt: '2026-12-05T08:00:30.000Z',
  lastError: 'GET /redfish/v1/Systems failed with HTTP 503',
};

describe('judgeCircuit', () => {
  it('fails an open circuit, naming the failures, since when and until when', () => {
    expect(judgeCircuit({ circuit: open })).toEqual({
      passed: false,
      message:
        'Circuit open for https://10.0.0.7 after 5 consecutive failures (opened 2026-12-05T08:00:00.000Z); ' +
        'calls are refused until 2026-12-05T08:00:30.000Z, then one probe goes through; ' +
        'last error: GET /redfish/v1/Systems failed with HTTP 503',
    });
    expect(judgeCircuit({ circuit: open, probed: true }).message).toMatch(
      /^Circuit open for https:\/\/10\.0\.0\.7 again: the probe failed after 5/,
    );
  });

  it('passes a closed circuit, showing failures short of the threshold', () => {
    const closed: BmcCircuitStatus = {
      address: ADDRESS,
      state: 'closed',
      consecutiveFailures: 0,
    };
    expect(judgeCircuit({ circuit: closed })).toEqual({
      passed: true,
      message: 'Circuit closed for https://10.0.0.7',
    });
    expect(judgeCircuit({ circuit: closed, probed: true }).message).toBe(
      'Circuit closed for https://10.0.0.7: the probe succeeded',
    );
    expect(
      judgeCircuit({
        circuit: { ...closed, consecutiveFailures: 1, lastError: 'timeout' },
      }),
    ).toEqual({
      passed: true,
      message:
        'Circuit closed for https://10.0.0.7, 1 consecutive failure so far; last error: timeout',
    });
  });

  it('fails a half-open circuit whose probe is still out, and passes a BMC not called yet', () => {
    expect(
      judgeCircuit({ circuit: { ...open, state: 'half-open' }, probed: true }),
    ).toEqual({
      passed: false,
      message: expect.stringMatching(
        /^Circuit half-open for https:\/\/10\.0\.0\.7 after 5 consecutive failures: another call is probing/,
      ),
    });
    expect(judgeCircuit({})).toEqual({
      passed: true,
      message: expect.stringMatching(/not called the BMC yet/),
    });
  });
});

describe('circuit step', () => {
  const run = async (
    before: BmcCircuitStatus | undefined,
    after?: BmcCircuitStatus,
  ) => {
    const probes: string[] = [];
    const context = {
      parameters: { hostId: 'h1' },
      actions: {
        bmcCircuit: async () => before,
        probeBmcCircuit: async (hostId: string) => {
          probes.push(hostId);
          return after;
        },
      },
    } as unknown as StepContext;
    const outcome = await circuitStep.run(context);
    const verdict = await circuitStep.verification.check(context, outcome);
    return { probes, finding: outcome.data as CircuitFinding, verdict };
  };

  it('lets the probe through only when the breaker is half-open', async () => {
    expect(await run(open)).toMatchObject({
      probes: [],
      verdict: { passed: false },
    });
    const closed: BmcCircuitStatus = {
      address: ADDRESS,
      state: 'closed',
      consecutiveFailures: 0,
    };
    expect(await run({ ...open, state: 'half-open' }, closed)).toEqual({
      probes: ['h1'],
      finding: { circuit: closed, probed: true },
      verdict: {
        passed: true,
        message: 'Circuit closed for https://10.0.0.7: the probe succeeded',
      },
    });
    expect(await run(closed)).toMatchObject({
      probes: [],
      verdict: { passed: true },
    });
  });
});
