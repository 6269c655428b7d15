import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  Host,
  HostDetails,
  Machine,
  RunbookRun,
  RunbookStepInput,
  RunbookStepResult,
} from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { beskar7Plugin } from '../../../../plugins/beskar7-backend/src/plugin';
import {
  SimulatedBmc,
  SimulatedFleet,
  startSimulatedFleet,
} from '../../../../plugins/beskar7-backend/src/simulator';

export const POOL = 'lab';
/** The user the mock credentials stand for: the runs' actor. */
export const OPERATOR = 'user:default/mock';
const CREDENTIALS_REF = 'fleet';
const auth = { Authorization: mockCredentials.user.header() };
const api = (path: string) => `/api/beskar7${path}`;

export interface RunbookFleetOptions {
  hosts: number;
  /** `beskar7.claims`; optimistic by default. */
  claims?: JsonObject;
  /** `beskar7.provisioning` keys set over the fleet's fast defaults. */
  provisioning?: JsonObject;
}

/**
 * How long a fleet test waits for the plugin to get somewhere: under the
 * tests' 60 s, so that a wait that never ends names what it waited for.
 */
export const WAIT_MS = 20_000;

/** `stepId:status` of every attempt, oldest first. */
export const stepLines = (run: RunbookRun) =>
  run.steps.map(s => `${s.stepId}:${s.status}`);

/** The latest attempt of a step. */
export function latest(run: RunbookRun, stepId: string): RunbookStepResult {
  const found = run.steps.filter(s => s.stepId === stepId).at(-1);
  if (!found) throw new Error(`Step ${stepId} has not run: ${stepLines(run)}`);
  return found;
}

/**
 * A running fleet for runbook tests: the real plugin (engine, runbook
 * actions, queue, reconcilers, Redfish client, auditor test double) on a
 * real database, and simulated BMCs it reaches over HTTP, registered
 * through the API. Tests break the BMCs through `sims`, the database
 * through `knex`, and drive runbooks through the routes operators use.
 */
export async function startRunbookFleet(
  knex: Knex,
  options: RunbookFleetOptions,
) {
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const sims: SimulatedFleet = await startSimulatedFleet({
    count: options.hosts,
    username: 'operator',
    password,
    namePrefix: 'rb',
  });
  const auditor = mockServices.auditor.mock();
  const backend = await startTestBackend({
    features: [
      beskar7Plugin,
      // The real scheduler: the reconcilers' periodic pass is part of what runs.
      schedulerServiceFactory,
      mockServices.database.factory({ knex }),
      auditor.factory,
      mockServices.rootConfig.factory({
        data: {
          beskar7: {
            credentials: {
              [CREDENTIALS_REF]: {
                username: 'operator',
                password,
                // The simulated BMCs listen on loopback.
                allowedAddresses: ['127.0.0.1'],
              },
            },
            claims: options.claims ?? { mode: 'optimistic' },
            provisioning: {
              maxConcurrentOps: 4,
              workerCount: 4,
              bmcCooldownPeriod: '0s',
              pollInterval: '20ms',
              reconcileInterval: '200ms',
              operationTimeout: '5s',
              retry: {
                maxRetries: 1,
                initialBackoff: '50ms',
                maxBackoff: '100ms',
              },
              ...options.provisioning,
            },
          },
        },
      }),
    ],
  });
  const { server } = backend;

  async function call<T>(
    method: 'get' | 'post' | 'patch',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const req = request(server)[method](api(path)).set(auth);
    const res = await (body === undefined ? req : req.send(body as object));
    if (res.status >= 300) {
      throw new Error(
        `${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(
          res.body,
        )}`,
      );
    }
    return res.body as T;
  }

  const getHost = (id: string) => call<HostDetails>('get', `/hosts/${id}`);
  const listHosts = async () =>
    (await call<{ items: Host[] }>('get', '/hosts?limit=500')).items;

  /** Registers a simulated BMC as a host and waits for its inspection to end. */
  async function register(name: string, bmc: SimulatedBmc): Promise<Host> {
    const host = await call<Host>('post', '/hosts', {
      name,
      pool: POOL,
      bmc: {
        address: bmc.url,
        credentialsRef: CREDENTIALS_REF,
        allowPlainHttp: true,
      },
    });
    return eventually(
      () => getHost(host.id),
      h => h.state === 'Available' || h.state === 'Error',
      { what: `${name} to be inspected`, timeoutMs: WAIT_MS },
    );
  }

  const hosts: Host[] = [];
  for (const sim of sims.hosts) hosts.push(await register(sim.name, sim.bmc));
  const notAvailable = hosts.filter(h => h.state !== 'Available');
  if (notAvailable.length) {
    throw new Error(`Hosts failed inspection: ${JSON.stringify(notAvailable)}`);
  }

  const runbooks = {
    start: (
      runbookId: string,
      parameters: Record<string, unknown> = {},
      dryRun = false,
    ) =>
      call<RunbookRun>('post', `/runbooks/${runbookId}/runs`, {
        parameters,
        dryRun,
      }),
    next: (runId: string, input: RunbookStepInput = {}) =>
      call<RunbookRun>('post', `/runbooks/runs/${runId}/next`, input),
    resume: (runId: string) =>
      call<RunbookRun>('post', `/runbooks/runs/${runId}/resume`, {}),
    acknowledge: (runId: string, note: string) =>
      call<RunbookRun>('post', `/runbooks/runs/${runId}/acknowledge`, {
        note,
      }),
    rollback: (runId: string) =>
      call<RunbookRun>('post', `/runbooks/runs/${runId}/rollback`, {}),
    abort: (runId: string) =>
      call<RunbookRun>('post', `/runbooks/runs/${runId}/abort`, {}),
    /**
     * Runs to the end or to the first failed step: automated steps by
     * resume, manual ones with the operator's pass.
     */
    async drive(run: RunbookRun): Promise<RunbookRun> {
      let current = await runbooks.resume(run.id);
      while (current.status === 'in-progress') {
        current = await runbooks.next(current.id, {
          verdict: 'pass',
          note: 'done in the drill',
        });
        if (current.status === 'in-progress') {
          current = await runbooks.resume(current.id);
        }
      }
      return current;
    },
  };

  return {
    knex,
    sims,
    hosts,
    auditor,
    call,
    getHost,
    listHosts,
    register,
    runbooks,
    /** The Prometheus exposition of `GET /metrics`. */
    metrics: async () =>
      (await request(server).get(api('/metrics')).set(auth).expect(200)).text,
    queue: () =>
      call<{
        length: number;
        processing: number;
        paused: boolean;
        draining: boolean;
      }>('get', '/queue'),
    diagnostics: () =>
      call<{
        status: string;
        checks: Array<{
          id: string;
          status: string;
          message: string;
          runbookId?: string;
        }>;
      }>('get', '/diagnostics'),
    requestMachine: (name: string, pool = POOL) =>
      call<Machine>('post', '/machines', {
        name,
        imageUrl: 'https://images.example/os.iso',
        configUrl: 'https://config.example/m.yaml',
        osFamily: 'flatcar',
        provisioningMode: 'RemoteConfig',
        requirements: { pool },
      }),
    getMachine: (id: string) => call<Machine>('get', `/machines/${id}`),
    releaseMachine: (id: string) => call('post', `/machines/${id}/release`),
    async stop() {
      await backend.stop();
      await sims.stop();
    },
  };
}

export type RunbookFleet = Awaited<ReturnType<typeof startRunbookFleet>>;
