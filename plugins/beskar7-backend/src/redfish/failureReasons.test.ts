import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { useRestBackend } from '@beskar7/backend-testing/http';
import { SimFault } from '../simulator';

const databases = createTestDatabases();
const credentials = { username: 'admin', password: 'reason-Secret-4' };

/**
 * A host's failure reason carries what the BMC said (its Redfish error
 * body), and a session that expires is logged in again before anyone is
 * told the credentials are wrong; through the REST API.
 */
describe.each(databases.eachSupportedId())(
  'failure reasons from the BMC, on %p',
  databaseId => {
    const { get, register, startBmc } = useRestBackend(databases, databaseId, {
      credentials,
    });

    let bmcIndex = 0;
    /** Registers a BMC with `faults` set once it is registered; the inspected host. */
    const inspect = async (
      name: string,
      faults: SimFault[],
      options: { messageIdsOnly?: boolean } = {},
    ) => {
      const bmc = await startBmc('hpe', 40 + bmcIndex++, {
        ...options,
        faults,
      });
      const created = await register(name, 'reasons', bmc.url);
      expect(created.status).toBe(201);
      const host = await eventually(
        () => get(`/hosts/${created.body.id}`),
        h => h.state === 'Available' || h.state === 'Error',
      );
      expect(JSON.stringify(host)).not.toContain(credentials.password);
      return { host, bmc };
    };

    it("names the BMC's error.message and every ExtendedInfo message id", async () => {
      const { host } = await inspect(
        'ids-only',
        [{ kind: 'status', status: 400, operations: ['read'], after: 2 }],
        { messageIdsOnly: true },
      );
      expect(host.state).toBe('Error');
      expect(host.errorMessage).toMatch(
        /failed with HTTP 400: Simulated failure \(HTTP 400\); Base\.1\.8\.InternalError$/,
      );
    }, 60_000);

    it('logs in again when the session expires mid-inspection, and inspects', async () => {
      const { host, bmc } = await inspect('expired-once', [
        { kind: 'expireSession', operations: ['read'], after: 3, times: 1 },
      ]);
      expect(host.state).toBe('Available');
      expect(bmc.counters.sessionsCreated).toBe(2);
      expect(bmc.counters.loginFailures).toBe(0);
    }, 60_000);

    it('does not call the credentials wrong when a fresh session is refused too', async () => {
      const { host, bmc } = await inspect('expired-always', [
        { kind: 'expireSession', operations: ['read'], after: 3 },
      ]);
      expect(host.state).toBe('Error');
      expect(host.errorMessage).not.toMatch(/rejected the credentials/);
      expect(host.errorMessage).toMatch(
        /accepted the login but answered HTTP 401 to the new session on GET /,
      );
      expect(bmc.counters.loginFailures).toBe(0);
    }, 60_000);
  },
);
