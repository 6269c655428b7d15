import {
  createServer as createHttpServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { BmcCounters, ConcurrencyGauge } from './counters';
import { FaultPlan, parseFaults, SimFault } from './faults';
import { SimulatedMachine, systemPaths } from './machine';
import { classifyRequest, SimOperation } from './operations';
import { Resource, ResourceTree } from './resourceTree';
import { redfishError, SimResponse } from './responses';
import { SessionStore, SimCredentials } from './sessions';

/** Where a simulated BMC takes faults from outside (see serveFaults). */
export const SIM_FAULTS_PATH = '/_simulator/faults';

export interface SimulatedBmcOptions {
  tree: ResourceTree;
  credentials: SimCredentials;
  /** Delay between a reset and the new power state; 0 applies it at once. */
  powerDelayMs?: number;
  /** Added to every answer. */
  latencyMs?: number;
  /** Added to answers of some operations only: a BMC slow at some things. */
  operationLatencyMs?: Partial<Record<SimOperation, number>>;
  faults?: SimFault[];
  /**
   * False: session creation is refused (POST to Sessions is 404), basic auth
   * only. A tree whose service root links no SessionService has no sessions
   * path at all: a POST there is just another unauthorised request.
   */
  sessionService?: boolean;
  /** Status of a successful session creation: 201 by default; some BMCs answer 200 or 204. */
  sessionCreatedStatus?: 200 | 201 | 204;
  /** The BMC keeps a one-time boot override as Continuous (and reports it so). */
  onceBecomesContinuous?: boolean;
  /** Every Boot PATCH must carry the override's target (and mode): see SimulatedMachine. */
  wholeBootPatch?: boolean;
  /** A boot from media fetches what its kernel parameters point at (see BootRecord.fetched). */
  fetchBootConfig?: boolean;
  /**
   * Error bodies as iLO writes them: the text only in `error.message`, the
   * `@Message.ExtendedInfo` entries with a `MessageId` and no `Message`.
   */
  messageIdsOnly?: boolean;
  /** Session slots; a login beyond them gets 503 `SessionLimitExceeded`. */
  maxSessions?: number;
  basicAuth?: boolean;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Fleet-wide in-flight gauge. */
  fleetGauge?: ConcurrencyGauge;
  host?: string;
  port?: number;
}

const ANONYMOUS_PATHS = new Set([
  '/redfish',
  '/redfish/v1',
  '/redfish/v1/odata',
  '/redfish/v1/$metadata',
]);

const INVALID_JSON = Symbol('invalid json');

/** One simulated BMC on its own port. */
export class SimulatedBmc {
  readonly counters: BmcCounters;
  readonly faults = new FaultPlan();
  /** One per ComputerSystem, in the order of the Systems collection. */
  readonly machines: SimulatedMachine[];
  readonly sessions: SessionStore;
  latencyMs: number;
  operationLatencyMs: Partial<Record<SimOperation, number>>;
  private server?: Server;
  private readonly sessionsPath?: string;
  private address = '';

  constructor(private readonly options: SimulatedBmcOptions) {
    const root = options.tree.get('/redfish/v1') ?? {};
    const sessionService = root.SessionService?.['@odata.id'];
    this.sessionsPath = (
      root.Links?.Sessions?.['@odata.id'] ??
      (sessionService && `${sessionService}/Sessions`)
    )?.replace(/\/+$/, '');
    this.sessions = new SessionStore(
      options.credentials,
      this.sessionsPath ?? '',
    );
    const systems = systemPaths(options.tree);
    this.machines = (systems.length ? systems : [undefined]).map(
      path =>
        new SimulatedMachine(
          options.tree,
          options.powerDelayMs ?? 0,
          path,
          options.onceBecomesContinuous,
          options.wholeBootPatch,
        ),
    );
    for (const machine of this.machines) {
      machine.fetchBootConfig = options.fetchBootConfig ?? false;
    }
    this.counters = new BmcCounters(options.fleetGauge);
    this.latencyMs = options.latencyMs ?? 0;
    this.operationLatencyMs = { ...options.operationLatencyMs };
    this.faults.set(options.faults ?? []);
  }

  static async start(options: SimulatedBmcOptions): Promise<SimulatedBmc> {
    const bmc = new SimulatedBmc(options);
    await bmc.listen();
    return bmc;
  }

  /** The first (usually the only) system. */
  get machine(): SimulatedMachine {
    return this.machines[0];
  }

  /** Base URL to register as the host's BMC address. */
  get url(): string {
    return this.address;
  }

  /**
   * Other spellings of the same service: the names and addresses one BMC
   * is reached by (DNS name, IPv4-mapped IPv6), for tests of identity.
   */
  get aliases(): string[] {
    const url = new URL(this.address);
    if (url.hostname !== '127.0.0.1') return [];
    return ['localhost', '[::ffff:127.0.0.1]'].map(
      host => `${url.protocol}//${host}:${url.port}`,
    );
  }

  get tree(): ResourceTree {
    return this.options.tree;
  }

  get credentials(): SimCredentials {
    return this.options.credentials;
  }

  get sessionsOpen(): number {
    return this.sessions.open;
  }

  async stop(): Promise<void> {
    for (const machine of this.machines) machine.stop();
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.serve(req, res).catch(() => {
        if (!res.headersSent) {
          this.send(
            res,
            redfishError(500, 'InternalError', 'The simulator failed'),
          );
        }
      });
    };
    const { tls } = this.options;
    const server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
      : createHttpServer(handler);
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.address = `${tls ? 'https' : 'http'}://${host}:${port}`;
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === SIM_FAULTS_PATH) {
      await this.serveFaults(method, req, res);
      return;
    }
    const operation = classifyRequest(method, path, p =>
      this.machines.some(m => m.isVirtualMedia(p)),
    );
    const end = this.counters.begin(operation, method, path);
    res.on('close', () => end(res.headersSent ? res.statusCode : undefined));
    const body = await readJson(req);

    const delay = this.latencyMs + (this.operationLatencyMs[operation] ?? 0);
    if (delay > 0) {
      await new Promise(r => setTimeout(r, delay));
    }
    const token = header(req, 'x-auth-token');
    const fault = this.faults.next(operation);
    if (fault?.kind === 'timeout') {
      return; // never answer
    }
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const status = fault.status ?? 500;
      this.send(
        res,
        redfishError(
          status,
          'InternalError',
          `Simulated failure (HTTP ${status})`,
        ),
      );
      return;
    }
    if (fault?.kind === 'expireSession' && token) {
      this.sessions.expire(token);
    }
    if (body === INVALID_JSON) {
      this.send(
        res,
        redfishError(
          400,
          'MalformedJSON',
          'The request body is not valid JSON',
        ),
      );
      return;
    }
    if (
      fault?.kind === 'mediaInUse' &&
      (operation === 'insertMedia' || operation === 'patchMedia')
    ) {
      this.send(
        res,
        redfishError(
          409,
          'ResourceInUse',
          'The virtual media device is in use by another connection',
        ),
      );
      return;
    }
    this.send(res, this.route(method, path, operation, body as Resource, req));
  }

  private route(
    method: string,
    path: string,
    operation: SimOperation,
    body: Resource,
    req: IncomingMessage,
  ): SimResponse {
    const key = ResourceTree.key(path);
    const sessionsKey = this.sessionsPath?.toLowerCase();
    if (operation === 'login' && key === sessionsKey) {
      return this.login(body);
    }
    if (
      !(method === 'GET' && ANONYMOUS_PATHS.has(key)) &&
      !this.authorized(req)
    ) {
      return redfishError(
        401,
        'NoValidSession',
        'There is no valid session established with the implementation',
      );
    }
    if (operation === 'logout') {
      return this.sessions.deleteByPath(path)
        ? { status: 204 }
        : redfishError(
            404,
            'ResourceMissingAtURI',
            `The resource at ${path} was not found`,
          );
    }
    if (method === 'GET' && key === sessionsKey) {
      return { status: 200, body: this.sessionCollection() };
    }
    if (method === 'GET') {
      const resource = this.options.tree.get(path);
      return resource
        ? { status: 200, body: resource }
        : redfishError(
            404,
            'ResourceMissingAtURI',
            `The resource at ${path} was not found`,
          );
    }
    for (const machine of this.machines) {
      const handled = machine.handle(method, path, body);
      if (handled) {
        return handled;
      }
    }
    return this.options.tree.has(path)
      ? redfishError(
          405,
          'OperationNotAllowed',
          `${method} is not allowed on ${path}`,
        )
      : redfishError(
          404,
          'ResourceMissingAtURI',
          `The resource at ${path} was not found`,
        );
  }

  private login(body: Resource): SimResponse {
    if (this.options.sessionService === false) {
      return redfishError(
        404,
        'ResourceMissingAtURI',
        'There is no session service',
      );
    }
    const { maxSessions } = this.options;
    if (maxSessions !== undefined && this.sessions.open >= maxSessions) {
      return redfishError(
        503,
        'SessionLimitExceeded',
        'The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation',
      );
    }
    const session = this.sessions.login(body.UserName, body.Password);
    if (!session) {
      this.counters.loginFailures += 1;
      return redfishError(
        401,
        'NoValidSession',
        'Invalid username or password',
      );
    }
    this.counters.sessionsCreated += 1;
    const status = this.options.sessionCreatedStatus ?? 201;
    return {
      status,
      headers: { 'X-Auth-Token': session.token, Location: session.path },
      body:
        status === 204
          ? undefined
          : {
              '@odata.id': session.path,
              '@odata.type': '#Session.v1_1_0.Session',
              Id: session.id,
              UserName: body.UserName,
            },
    };
  }

  private authorized(req: IncomingMessage): boolean {
    if (this.sessions.byToken(header(req, 'x-auth-token'))) {
      return true;
    }
    return (
      this.options.basicAuth !== false &&
      this.sessions.checkBasic(header(req, 'authorization'))
    );
  }

  private sessionCollection(): Resource {
    const members = this.sessions.paths().map(p => ({ '@odata.id': p }));
    return {
      '@odata.id': this.sessionsPath!,
      '@odata.type': '#SessionCollection.SessionCollection',
      Name: 'Session Collection',
      Members: members,
      'Members@odata.count': members.length,
    };
  }

  /**
   * `PUT /_simulator/faults` with a JSON array of faults replaces the BMC's
   * faults (`[]` mends it): drills and browser tests break a BMC from outside
   * the backend, like pulling its cable. Not Redfish; only the simulator has it.
   */
  private async serveFaults(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (method !== 'PUT') {
      this.send(res, { status: 405, headers: { Allow: 'PUT' } });
      return;
    }
    const faults = parseFaults(await readJson(req));
    if (typeof faults === 'string') {
      this.send(res, { status: 400, body: { error: faults } });
      return;
    }
    this.faults.set(faults);
    this.send(res, { status: 204 });
  }

  private send(res: ServerResponse, response: SimResponse): void {
    if (res.writableEnded || res.destroyed) {
      return;
    }
    const body = this.options.messageIdsOnly
      ? withoutExtendedMessages(response.body)
      : response.body;
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(response.status, {
      ...(payload ? { 'Content-Type': 'application/json' } : {}),
      'OData-Version': '4.0',
      ...response.headers,
    });
    res.end(payload);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) {
    return {};
  }
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : INVALID_JSON;
  } catch {
    return INVALID_JSON;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function withoutExtendedMessages(body: unknown): unknown {
  const error = (body as { error?: Record<string, unknown> } | undefined)
    ?.error;
  const info = error?.['@Message.ExtendedInfo'];
  if (!Array.isArray(info)) return body;
  return {
    error: {
      ...error,
      '@Message.ExtendedInfo': info.map(({ Message, ...rest }) => rest),
    },
  };
}
