// Why a fake API server at all: the real kube-apiserver (scripts/kube-cluster.sh,
// BESKAR7_TEST_KUBECONFIG) is the reference: every Kubernetes suite runs
// against it whenever a control plane can be started. This one stays for the faults a real server cannot be made to
// show on demand: a write refused once (failNext), an update racing another
// writer (onNextUpdate), a watch history compacted under a watcher (compact,
// 410 Gone) and watches dropped mid-stream (dropWatches). Anything else a
// test needs of Kubernetes belongs on the real server.
import { randomUUID } from 'node:crypto';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { Socket } from 'node:net';
import { sameJson } from '../../../../plugins/beskar7-backend/src/kubernetes/sameJson';
import {
  defaultAndPrune,
  StructuralSchema,
  validateSchema,
} from './structuralSchema';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, any>;
  spec?: any;
  status?: any;
  [key: string]: unknown;
};

interface ResourceType {
  apiVersion: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Custom resources: an update needs a resourceVersion, generation counts spec changes. */
  custom: boolean;
  statusSubresource: boolean;
  schema?: StructuralSchema;
}

interface WatchEvent {
  rv: number;
  typeKey: string;
  namespace?: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

interface Watcher {
  typeKey: string;
  namespace?: string;
  res: ServerResponse;
}

interface Fault {
  remaining: number;
  code: number;
  retryAfterSeconds?: number;
  match: (method: string, path: string, watch: boolean) => boolean;
}

const BUILT_IN: ResourceType[] = [
  {
    apiVersion: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
  },
  { apiVersion: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { apiVersion: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  {
    apiVersion: 'coordination.k8s.io/v1',
    plural: 'leases',
    kind: 'Lease',
    namespaced: true,
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
  },
].map(t => ({ ...t, custom: false, statusSubresource: false }));

/**
 * A Kubernetes API server for tests, on 127.0.0.1, honest to what the
 * backend relies on:
 *
 * - one resourceVersion counter, bumped by every write; a write that
 *   changes nothing is no write (no new version, no event);
 * - 409 Conflict on an update with a stale resourceVersion, 409
 *   AlreadyExists on create; custom resources refuse updates without one;
 * - CRDs are served once created, validated (422 Invalid) and defaulted and
 *   pruned against their own schema; with a status subresource the main
 *   resource ignores status and `/status` ignores everything else;
 *   `generation` counts spec changes;
 * - list, then watch from its resourceVersion with ADDED, MODIFIED and
 *   DELETED; 410 Gone (an ERROR event) for a resourceVersion older than the
 *   history kept; a watch without one starts with the current objects;
 * - Namespaces, Secrets, Events, Leases, CustomResourceDefinitions.
 *
 * PATCH is not implemented (the backend does not use it) and says so.
 * Faults for tests: `failNext`, `onNextUpdate`, `compact`, `dropWatches`,
 * `pause`/`resume`.
 */
export class KubeApiTestServer {
  private readonly types = new Map<string, ResourceType>();
  private readonly objects = new Map<string, Obj>();
  private history: WatchEvent[] = [];
  private compactedAt = 0;
  private rv = 1000;
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private readonly faults: Fault[] = [];
  private nextUpdate: ((obj: Obj) => Obj) | undefined;
  private server?: Server;
  private port = 0;
  /** 409 answers given, so that tests can see that a retry happened. */
  conflicts = 0;
  /** Requests by method and path (`GET /apis/...`), so that tests can see what a client asked. */
  readonly requests: string[] = [];

  constructor() {
    for (const t of BUILT_IN)
      this.types.set(typeKey(t.apiVersion, t.plural), t);
    for (const name of ['default', 'kube-system']) {
      this.store(
        'v1/namespaces',
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        'ADDED',
      );
    }
  }

  /** Listens on 127.0.0.1; resolves to the server's URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error =>
        send(res, 500, status(500, 'InternalError', String(error))),
      );
    });
    this.server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    if (this.port) {
      await listen(this.server, this.port);
      return this.url;
    }
    // Below Linux's ephemeral range (32768 on): `resume` must get the same
    // port back, and a port the kernel hands out could meanwhile be another
    // suite's outgoing socket (EADDRINUSE).
    for (let attempt = 0; ; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      try {
        await listen(this.server, port);
        this.port = port;
        return this.url;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        if (attempt === 20) throw error;
      }
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Goes away: open connections are cut and new ones refused, until `resume`. */
  async pause(): Promise<void> {
    const closed = new Promise(resolve => this.server?.close(resolve));
    this.watchers.clear();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Comes back on the same port with the same objects. */
  async resume(): Promise<void> {
    if (!this.server?.listening) await this.start();
  }

  async stop(): Promise<void> {
    if (this.server?.listening) await this.pause();
  }

  /** The next `count` requests that `match` are answered with `code` (429 carries Retry-After). */
  failNext(
    count: number,
    code: number,
    options: {
      retryAfterSeconds?: number;
      /** Which requests fail (default: all); `watch` is true for watch requests. */
      match?: (method: string, path: string, watch: boolean) => boolean;
    } = {},
  ): void {
    this.faults.push({
      remaining: count,
      code,
      retryAfterSeconds: options.retryAfterSeconds,
      match: options.match ?? (() => true),
    });
  }

  /** Forgets faults not yet used up. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Another client writes the object (with `change`) just before the next update arrives. */
  onNextUpdate(change: (obj: Obj) => Obj): void {
    this.nextUpdate = change;
  }

  /** Forgets the watch history: watches from any earlier version get 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedAt = this.rv;
  }

  /** Cuts every open watch, as an API server restart or a load balancer would. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
    this.watchers.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, 'http://test');
    const method = req.method!;
    this.requests.push(`${method} ${url.pathname}`);
    const fault = this.faults.find(
      f =>
        f.remaining > 0 &&
        f.match(method, url.pathname, url.searchParams.get('watch') === 'true'),
    );
    if (fault) {
      fault.remaining--;
      if (fault.retryAfterSeconds !== undefined) {
        res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      }
      return send(
        res,
        fault.code,
        status(fault.code, 'Injected', 'injected by the test'),
      );
    }
    const route = this.route(url.pathname);
    if (!route) {
      return send(
        res,
        404,
        status(
          404,
          'NotFound',
          `the server could not find the requested resource`,
        ),
      );
    }
    const { type, namespace, name, sub } = route;
    const key = typeKey(type.apiVersion, type.plural);
    if (sub && (sub !== 'status' || !type.statusSubresource)) {
      return send(res, 404, status(404, 'NotFound', `no subresource ${sub}`));
    }
    if (
      namespace &&
      type.namespaced &&
      !this.objects.has(objectKey('v1/namespaces', undefined, namespace))
    ) {
      if (method !== 'GET' || name) {
        return send(
          res,
          404,
          status(404, 'NotFound', `namespaces "${namespace}" not found`),
        );
      }
    }
    const body = ['POST', 'PUT'].includes(method)
      ? await readJson(req)
      : undefined;

    if (!name) {
      if (method === 'GET' && url.searchParams.get('watch') === 'true') {
        return this.watch(key, namespace, url.searchParams, res);
      }
      if (method === 'GET') {
        return send(res, 200, {
          apiVersion: type.apiVersion,
          kind: `${type.kind}List`,
          metadata: { resourceVersion: String(this.rv) },
          items: this.list(key, namespace),
        });
      }
      if (method === 'POST')
        return this.create(type, key, namespace, body as Obj, res);
      return send(
        res,
        405,
        status(405, 'MethodNotAllowed', `${method} on a collection`),
      );
    }

    const current = this.objects.get(objectKey(key, namespace, name));
    if (method === 'PATCH') {
      return send(
        res,
        415,
        status(
          415,
          'UnsupportedMediaType',
          'PATCH is not implemented by the test server',
        ),
      );
    }
    if (!current) {
      return send(
        res,
        404,
        status(404, 'NotFound', `${type.plural} "${name}" not found`),
      );
    }
    if (method === 'GET') return send(res, 200, current);
    if (method === 'DELETE') {
      this.store(key, current, 'DELETED');
      return send(res, 200, current);
    }
    if (method === 'PUT')
      return this.update(
        type,
        key,
        current,
        body as Obj,
        sub === 'status',
        res,
      );
    return send(res, 405, status(405, 'MethodNotAllowed', method));
  }

  private route(path: string) {
    const parts = path.split('/').filter(Boolean);
    let apiVersion: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') {
      apiVersion = 'v1';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      apiVersion = `${parts[1]}/${parts[2]}`;
      rest = parts.slice(3);
    } else {
      return undefined;
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub] = rest;
    const type = this.types.get(typeKey(apiVersion, plural));
    if (!type || (namespace && !type.namespaced)) return undefined;
    return { type, namespace, name, sub };
  }

  private create(
    type: ResourceType,
    key: string,
    namespace: string | undefined,
    body: Obj,
    res: ServerResponse,
  ) {
    const metadata = { ...body.metadata };
    if (!metadata.name && metadata.generateName) {
      metadata.name = `${metadata.generateName}${randomUUID().slice(0, 5)}`;
    }
    if (!metadata.name) {
      return send(
        res,
        422,
        status(422, 'Invalid', 'metadata.name: Required value'),
      );
    }
    if (type.namespaced) metadata.namespace = namespace;
    if (this.objects.has(objectKey(key, namespace, metadata.name))) {
      this.conflicts++;
      return send(
        res,
        409,
        status(
          409,
          'AlreadyExists',
          `${type.plural} "${metadata.name}" already exists`,
        ),
      );
    }
    metadata.uid = randomUUID();
    metadata.creationTimestamp = new Date()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    delete metadata.resourceVersion;
    let obj: Obj = {
      ...body,
      apiVersion: type.apiVersion,
      kind: type.kind,
      metadata,
    };
    if (type.custom) {
      metadata.generation = 1;
      // The status subresource owns status: a create cannot set it.
      if (type.statusSubresource) delete obj.status;
    }
    const checked = this.admit(type, obj);
    if (typeof checked === 'string')
      return send(res, 422, status(422, 'Invalid', checked));
    obj = checked;
    if (key === 'apiextensions.k8s.io/v1/customresourcedefinitions') {
      obj = this.establish(obj);
    }
    return send(res, 201, this.store(key, obj, 'ADDED'));
  }

  private update(
    type: ResourceType,
    key: string,
    stored: Obj,
    body: Obj,
    toStatus: boolean,
    res: ServerResponse,
  ) {
    let current = stored;
    if (this.nextUpdate) {
      const change = this.nextUpdate;
      this.nextUpdate = undefined;
      current = this.store(key, change(clone(current)), 'MODIFIED');
    }
    const sent = body.metadata?.resourceVersion;
    if (sent === undefined && type.custom) {
      return send(
        res,
        422,
        status(
          422,
          'Invalid',
          'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
        ),
      );
    }
    if (sent !== undefined && sent !== current.metadata.resourceVersion) {
      this.conflicts++;
      return send(
        res,
        409,
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${type.plural} "${current.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        ),
      );
    }
    let next: Obj;
    if (toStatus) {
      next = { ...current, status: body.status };
    } else {
      next = {
        ...body,
        apiVersion: type.apiVersion,
        kind: type.kind,
        metadata: {
          ...body.metadata,
          name: current.metadata.name,
          namespace: current.metadata.namespace,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
          generation: current.metadata.generation,
        },
      };
      if (type.statusSubresource) next.status = current.status;
    }
    const checked = this.admit(type, next);
    if (typeof checked === 'string')
      return send(res, 422, status(422, 'Invalid', checked));
    next = checked;
    if (type.custom && !sameJson(next.spec, current.spec)) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (sameJson(next, current)) return send(res, 200, current);
    return send(res, 200, this.store(key, next, 'MODIFIED'));
  }

  /** Defaults, prunes and validates a custom resource; a string is the 422 message. */
  private admit(type: ResourceType, obj: Obj): Obj | string {
    if (!type.schema) return obj;
    const root = type.schema.properties ?? {};
    const out = { ...obj };
    for (const part of ['spec', 'status'] as const) {
      if (out[part] !== undefined && root[part]) {
        out[part] = defaultAndPrune(root[part], out[part]);
      }
    }
    const errors = validateSchema(
      {
        ...type.schema,
        properties: { spec: root.spec ?? {}, status: root.status ?? {} },
      },
      { spec: out.spec, status: out.status },
    );
    return errors.length
      ? `${type.kind}.${type.apiVersion.split('/')[0]} "${
          obj.metadata.name
        }" is invalid: ${errors.join(', ')}`
      : out;
  }

  /** Serves the kinds a CRD defines, as the API server does once it is Established. */
  private establish(crd: Obj): Obj {
    const { group, names, scope, versions } = crd.spec;
    for (const v of versions.filter((x: any) => x.served)) {
      this.types.set(typeKey(`${group}/${v.name}`, names.plural), {
        apiVersion: `${group}/${v.name}`,
        plural: names.plural,
        kind: names.kind,
        namespaced: scope === 'Namespaced',
        custom: true,
        statusSubresource: Boolean(v.subresources?.status),
        schema: v.schema?.openAPIV3Schema,
      });
    }
    return {
      ...crd,
      status: {
        acceptedNames: names,
        storedVersions: versions
          .filter((x: any) => x.storage)
          .map((x: any) => x.name),
        conditions: ['NamesAccepted', 'Established'].map(t => ({
          type: t,
          status: 'True',
          reason: t,
          lastTransitionTime: new Date().toISOString(),
        })),
      },
    };
  }

  private list(key: string, namespace?: string): Obj[] {
    return [...this.objects.entries()]
      .filter(
        ([k, o]) =>
          k.startsWith(`${key}|`) &&
          (!namespace || o.metadata.namespace === namespace),
      )
      .map(([, o]) => o);
  }

  private store(key: string, obj: Obj, type: WatchEvent['type']): Obj {
    const stored: Obj = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    const k = objectKey(key, stored.metadata.namespace, stored.metadata.name);
    if (type === 'DELETED') this.objects.delete(k);
    else this.objects.set(k, stored);
    const event: WatchEvent = {
      rv: this.rv,
      typeKey: key,
      namespace: stored.metadata.namespace,
      type,
      object: stored,
    };
    this.history.push(event);
    for (const w of this.watchers) {
      if (
        w.typeKey === key &&
        (!w.namespace || w.namespace === event.namespace)
      ) {
        w.res.write(`${JSON.stringify({ type, object: stored })}\n`);
      }
    }
    return stored;
  }

  private watch(
    key: string,
    namespace: string | undefined,
    params: URLSearchParams,
    res: ServerResponse,
  ) {
    const from = params.get('resourceVersion');
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    // Headers now, as the API server does: a quiet watch is still a connected one.
    res.flushHeaders();
    const line = (type: string, object: unknown) =>
      res.write(`${JSON.stringify({ type, object })}\n`);
    if (!from || from === '0') {
      // No version: the current state as ADDED events, then changes.
      for (const obj of this.list(key, namespace)) line('ADDED', obj);
    } else {
      if (Number(from) < this.compactedAt) {
        line(
          'ERROR',
          status(
            410,
            'Expired',
            `too old resource version: ${from} (${this.compactedAt})`,
          ),
        );
        res.end();
        return;
      }
      for (const e of this.history) {
        if (
          e.rv > Number(from) &&
          e.typeKey === key &&
          (!namespace || e.namespace === namespace)
        ) {
          line(e.type, e.object);
        }
      }
    }
    const watcher: Watcher = { typeKey: key, namespace, res };
    this.watchers.add(watcher);
    const timeout = Number(params.get('timeoutSeconds'));
    const timer =
      timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      clearTimeout(timer);
      this.watchers.delete(watcher);
    });
  }
}

function typeKey(apiVersion: string, plural: string) {
  return `${apiVersion}/${plural}`;
}

function objectKey(key: string, namespace: string | undefined, name: string) {
  return `${key}|${namespace ?? ''}|${name}`;
}

function status(code: number, reason: string, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

function send(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/** A JSON copy (structuredClone would make objects of another realm under jest). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
