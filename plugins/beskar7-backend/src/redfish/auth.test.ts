import { probeBmc } from '../runbooks/bmcProbe';
import { generateTree, SimulatedBmc, SimulatedBmcOptions } from '../simulator';
import {
  RedfishAuthError,
  RedfishNoSessionsError,
  RedfishSessionLimitError,
} from './errors';
import { BmcProvisionerFactory } from './factory';

const credentials = { username: 'admin', password: 'auth-Secret-5' };

/**
 * Each way a BMC offers (or does not offer) authentication, through the
 * client and through the BMC probe: both log in by the same code, so they
 * must agree.
 */
const CASES: Array<{
  name: string;
  bmc: Partial<SimulatedBmcOptions> & { sessionServiceInRoot?: boolean };
  password?: string;
  client:
    | { ok: true; sessions: number }
    | { error: new (...a: any[]) => Error };
  probe: RegExp;
}> = [
  {
    name: 'a service that links no SessionService (HTTP Basic only)',
    bmc: { sessionServiceInRoot: false },
    client: { ok: true, sessions: 0 },
    probe: /offers no sessions; HTTP Basic accepted/,
  },
  {
    name: 'a wrong password on a Basic-only service',
    bmc: { sessionServiceInRoot: false },
    password: 'wrong',
    client: { error: RedfishAuthError },
    probe:
      /Login refused .*HTTP Basic answered 401; the service offers no sessions.*credentials rejected/,
  },
  {
    name: 'a session created with 204 and a token',
    bmc: { sessionCreatedStatus: 204 },
    client: { ok: true, sessions: 1 },
    probe: /^Session created$/,
  },
  {
    name: 'session creation refused with 404, Basic working',
    bmc: { sessionService: false },
    client: { ok: true, sessions: 0 },
    probe: /offers no sessions; HTTP Basic accepted/,
  },
  {
    name: 'session creation refused with 404 and Basic refused too',
    bmc: { sessionService: false, basicAuth: false },
    client: { error: RedfishNoSessionsError },
    probe:
      /offers no sessions \(creating one answered HTTP 404\) and refused HTTP Basic/,
  },
  {
    name: 'a wrong password where sessions are offered',
    bmc: {},
    password: 'wrong',
    client: { error: RedfishAuthError },
    probe: /Login refused .*HTTP 401 on login.*credentials rejected/,
  },
  {
    name: 'no free session slot',
    bmc: { maxSessions: 0 },
    client: { error: RedfishSessionLimitError },
    probe: /out of session slots \(HTTP 503 on login\)/,
  },
];

describe.each(CASES)(
  'logging in to $name',
  ({ bmc: options, password, client, probe }) => {
    let bmc: SimulatedBmc;
    const login = {
      ...credentials,
      password: password ?? credentials.password,
    };

    beforeEach(async () => {
      const { sessionServiceInRoot, ...rest } = options;
      bmc = await SimulatedBmc.start({
        tree: generateTree('supermicro', 3, {
          sessionService: sessionServiceInRoot,
        }),
        credentials,
        ...rest,
      });
    });
    afterEach(() => bmc.stop());

    it('the client', async () => {
      const factory = new BmcProvisionerFactory({ retry: { baseDelayMs: 1 } });
      const provisioner = factory.forHost(
        { address: bmc.url, credentialsRef: 'test', insecureSkipVerify: false },
        login,
      );
      const outcome = await provisioner.inspect().then(
        inventory => ({
          vendor: inventory.vendor,
          sessions: bmc.counters.sessionsCreated,
        }),
        error => ({ error: error.constructor }),
      );
      expect(outcome).toEqual(
        'ok' in client
          ? { vendor: 'supermicro', sessions: client.sessions }
          : { error: client.error },
      );
      await provisioner.close();
      await factory.close();
      expect(bmc.sessionsOpen).toBe(0);
    });

    it('the BMC probe', async () => {
      const report = await probeBmc({
        address: bmc.url,
        ...login,
        insecureSkipVerify: false,
      });
      const layer = report.layers.find(l => l.layer === 'authentication')!;
      expect(layer.message).toMatch(probe);
      expect(layer.verdict).toBe('ok' in client ? 'pass' : 'fail');
      expect(JSON.stringify(report)).not.toContain(login.password);
      expect(bmc.sessionsOpen).toBe(0);
    });
  },
);
