import {
  BMC_PROBE_LAYERS,
  BmcProbeLayer,
  BmcProbeLayerResult,
  BmcProbeReport,
} from '@beskar7/backstage-plugin-beskar7-common';
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect, PeerCertificate } from 'node:tls';
import { authHeaders, logIn } from '../redfish/auth';
import {
  RedfishAuthError,
  RedfishNoSessionsError,
  RedfishSessionLimitError,
} from '../redfish/errors';
import { linkOf, Resource } from '../redfish/odata';
import { HttpTransport, TransportError } from '../redfish/transport';

/** What the probe needs to reach one BMC; the password never appears in a result. */
export interface BmcProbeTarget {
  /** http(s) URL of the BMC. */
  address: string;
  username: string;
  password: string;
  insecureSkipVerify: boolean;
  /** PEM CA bundle that signs the BMC's certificate. */
  ca?: string;
}

export interface BmcProbeOptions {
  /** Last layer to probe; the layers after it are left out of the report. */
  upTo?: BmcProbeLayer;
  /** Limit of each layer. */
  timeoutMs?: number;
}

/** A certificate this close to expiry is a warning: BMC certificates are renewed by hand. */
const CERT_EXPIRY_WARNING_DAYS = 30;
const DEFAULT_SYSTEMS_PATH = '/redfish/v1/Systems';

type LayerOutcome = Omit<BmcProbeLayerResult, 'layer' | 'durationMs'>;

/** State handed from one layer to the next. */
interface ProbeState {
  url: URL;
  addresses: string[];
  transport: HttpTransport;
  /** The service root; undefined when it asked for a login. */
  root?: Resource;
  systemsPath: string;
  auth?: { header: Record<string, string>; logout?: string };
}

class LayerFailure extends Error {}

const fail = (message: string): never => {
  throw new LayerFailure(message);
};

const errorCode = (error: unknown) =>
  (error as NodeJS.ErrnoException)?.code ?? '';

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

const LAYERS: Record<
  BmcProbeLayer,
  (s: ProbeState, t: BmcProbeTarget, timeoutMs: number) => Promise<LayerOutcome>
> = {
  dns: probeDns,
  tcp: probeTcp,
  tls: probeTls,
  'service-root': probeServiceRoot,
  authentication: probeAuthentication,
  systems: probeSystems,
};

/**
 * Walks a BMC's stack from the backend, the way an operator would by hand:
 * DNS, TCP, TLS handshake, the Redfish service root, a login, the systems
 * list. Each layer gets its own verdict with a reason an operator can act
 * on; after a failed layer the rest are skipped. A session it opens is
 * closed again: BMCs have few session slots.
 */
export async function probeBmc(
  target: BmcProbeTarget,
  options: BmcProbeOptions = {},
): Promise<BmcProbeReport> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const last = BMC_PROBE_LAYERS.indexOf(options.upTo ?? 'systems');
  const layers = BMC_PROBE_LAYERS.slice(0, last + 1);
  const results: BmcProbeLayerResult[] = [];
  let state: ProbeState | undefined;
  let failedLayer: BmcProbeLayer | undefined;
  try {
    let url: URL | undefined;
    try {
      url = new URL(target.address);
    } catch {
      url = undefined;
    }
    state = url && {
      url,
      addresses: [],
      transport: new HttpTransport(url.origin, {
        ca: target.ca,
        insecureSkipVerify: target.insecureSkipVerify,
        timeoutMs,
      }),
      systemsPath: DEFAULT_SYSTEMS_PATH,
    };
    for (const layer of layers) {
      if (failedLayer) {
        results.push({
          layer,
          verdict: 'skipped',
          message: `Not tried: ${failedLayer} failed`,
        });
        continue;
      }
      const started = process.hrtime.bigint();
      let outcome: LayerOutcome;
      try {
        if (!state) fail(`"${target.address}" is not a URL`);
        outcome = await LAYERS[layer](state!, target, timeoutMs);
      } catch (error) {
        outcome = {
          verdict: 'fail',
          message:
            error instanceof LayerFailure
              ? error.message
              : `Unexpected error: ${messageOf(error)}`,
        };
      }
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      results.push({ layer, durationMs, ...outcome });
      if (outcome.verdict === 'fail') failedLayer = layer;
    }
  } finally {
    if (state) {
      await logout(state);
      await state.transport.close();
    }
  }
  return { address: target.address, layers: results };
}

const hostnameOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

const portOf = (url: URL) =>
  Number(url.port || (url.protocol === 'https:' ? 443 : 80));

async function probeDns(state: ProbeState): Promise<LayerOutcome> {
  const hostname = hostnameOf(state.url);
  if (!['http:', 'https:'].includes(state.url.protocol)) {
    fail(`Unsupported scheme ${state.url.protocol}: a BMC address is http(s)`);
  }
  if (isIP(hostname)) {
    state.addresses = [hostname];
    return { verdict: 'pass', message: `${hostname} is an IP address` };
  }
  try {
    // getaddrinfo, as the HTTP client itself resolves: /etc/hosts counts.
    const found = await lookup(hostname, { all: true });
    state.addresses = found.map(a => a.address);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOTFOUND') {
      fail(
        `${hostname} does not resolve (${code}): fix the DNS record or register the BMC by IP`,
      );
    }
    fail(
      `Resolving ${hostname} failed (${
        code || messageOf(error)
      }): the resolver did not answer; check the backend's DNS configuration`,
    );
  }
  return {
    verdict: 'pass',
    message: `${hostname} resolves to ${state.addresses.join(', ')}`,
    details: { addresses: state.addresses.join(',') },
  };
}

function probeTcp(state: ProbeState, _t: BmcProbeTarget, timeoutMs: number) {
  const host = state.addresses[0];
  const port = portOf(state.url);
  return new Promise<LayerOutcome>((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve({
        verdict: 'pass',
        message: `${host}:${port} accepts connections`,
      });
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(
        new LayerFailure(
          `No answer from ${host}:${port} within ${timeoutMs} ms: a firewall drops the packets or the BMC network is unreachable from the backend`,
        ),
      );
    });
    socket.once('error', error => {
      const code = errorCode(error);
      const why: Record<string, string> = {
        ECONNREFUSED: `nothing listens on port ${port} (BMC web service disabled or wrong port)`,
        EHOSTUNREACH: 'no route to the BMC network',
        ENETUNREACH: 'no route to the BMC network',
        ECONNRESET:
          'the connection was reset (BMC web server overloaded or a middlebox)',
      };
      reject(
        new LayerFailure(
          `Connection to ${host}:${port} failed (${code}): ${
            why[code] ?? messageOf(error)
          }`,
        ),
      );
    });
  });
}

function probeTls(
  state: ProbeState,
  target: BmcProbeTarget,
  timeoutMs: number,
): Promise<LayerOutcome> {
  if (state.url.protocol === 'http:') {
    return Promise.resolve({
      verdict: 'warn',
      message:
        'Plain HTTP: the BMC login crosses the network unencrypted; enable HTTPS on the BMC',
    });
  }
  const hostname = hostnameOf(state.url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: state.addresses[0],
      port: portOf(state.url),
      servername: isIP(hostname) ? undefined : hostname,
      ca: target.ca,
      // Verified by hand below, so the verdict can name the reason.
      rejectUnauthorized: false,
    });
    socket.setTimeout(timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const outcome = judgeCertificate(
        socket.authorized,
        socket.authorizationError
          ? String(socket.authorizationError)
          : undefined,
        cert,
        target.insecureSkipVerify,
      );
      outcome.details = {
        ...outcome.details,
        protocol: socket.getProtocol() ?? 'unknown',
      };
      socket.destroy();
      resolve(outcome);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(
        new LayerFailure(`TLS handshake did not finish within ${timeoutMs} ms`),
      );
    });
    socket.once('error', error => {
      reject(
        new LayerFailure(
          `TLS handshake failed (${
            errorCode(error) || messageOf(error)
          }): the port may not speak TLS, or the BMC offers only protocol versions or ciphers this backend refuses`,
        ),
      );
    });
  });
}

/** Pure verdict on a handshake's certificate. */
export function judgeCertificate(
  authorized: boolean,
  authorizationError: string | undefined,
  cert: Pick<PeerCertificate, 'valid_to' | 'subject' | 'issuer'>,
  insecureSkipVerify: boolean,
  now: Date = new Date(),
): LayerOutcome {
  const validTo = new Date(cert.valid_to);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / 86_400_000);
  const details = {
    subject: String(cert.subject?.CN ?? ''),
    issuer: String(cert.issuer?.CN ?? ''),
    validTo: validTo.toISOString(),
    daysLeft,
  };
  if (!authorized) {
    const reason = `certificate not trusted (${authorizationError})`;
    if (insecureSkipVerify) {
      return {
        verdict: 'warn',
        message: `Handshake done, ${reason}; accepted because the host sets insecureSkipVerify. Give it a caBundleRef instead`,
        details,
      };
    }
    return {
      verdict: 'fail',
      message: `Handshake done, but ${reason}: give the host the CA that signed the BMC certificate (caBundleRef) or replace the BMC's self-signed certificate`,
      details,
    };
  }
  if (daysLeft < CERT_EXPIRY_WARNING_DAYS) {
    return {
      verdict: 'warn',
      message: `Certificate trusted but expires in ${daysLeft} day(s) (${details.validTo}): renew it on the BMC`,
      details,
    };
  }
  return {
    verdict: 'pass',
    message: `Certificate trusted, valid for ${daysLeft} more days`,
    details,
  };
}

async function call(
  state: ProbeState,
  method: 'GET' | 'DELETE',
  path: string,
  headers: Record<string, string> = {},
) {
  try {
    return await state.transport.send(method, path, headers);
  } catch (error) {
    return fail(
      `${method} ${path} failed: ${
        error instanceof TransportError ? error.reason : messageOf(error)
      }`,
    );
  }
}

async function probeServiceRoot(state: ProbeState): Promise<LayerOutcome> {
  const res = await call(state, 'GET', '/redfish/v1/');
  if (res.status === 401) {
    return {
      verdict: 'warn',
      message:
        'The service root asks for a login, though Redfish serves it without one; going on with the default paths',
    };
  }
  if (res.status !== 200 || typeof res.body !== 'object' || !res.body) {
    fail(
      `GET /redfish/v1/ answered ${res.status}${
        res.body ? '' : ' without JSON'
      }: not a Redfish service (an old BMC firmware, a web login page, or the wrong address)`,
    );
  }
  const root = res.body as Resource;
  state.root = root;
  state.systemsPath = linkOf(root.Systems) ?? state.systemsPath;
  const version = root.RedfishVersion ?? 'unknown';
  return {
    verdict: 'pass',
    message: `Redfish ${version}${root.Vendor ? ` (${root.Vendor})` : ''}`,
    details: {
      redfishVersion: version,
      ...(root.Vendor ? { vendor: String(root.Vendor) } : {}),
    },
  };
}

const REJECTED =
  'credentials rejected: check the secret behind credentialsRef, and that the account is not locked after failed logins';

/** Logs in exactly as the Redfish client does, and says which way worked. */
async function probeAuthentication(
  state: ProbeState,
  target: BmcProbeTarget,
): Promise<LayerOutcome> {
  try {
    const login = await logIn(state.transport, state.root, target);
    state.auth = {
      header: authHeaders(login, target),
      logout: login.kind === 'session' ? login.sessionPath : undefined,
    };
    return {
      verdict: 'pass',
      message:
        login.kind === 'session'
          ? 'Session created'
          : 'The BMC offers no sessions; HTTP Basic accepted',
      details: { method: login.kind },
    };
  } catch (error) {
    if (error instanceof RedfishAuthError) {
      return fail(`Login refused (${error.message}): ${REJECTED}`);
    }
    if (error instanceof RedfishNoSessionsError) {
      return fail(
        `${error.message}: enable the session service or HTTP Basic for this account on the BMC, or check the credentials`,
      );
    }
    if (error instanceof RedfishSessionLimitError) {
      return fail(error.message);
    }
    if (error instanceof TransportError) {
      return fail(`Login got no answer: ${error.reason}`);
    }
    return fail(`Login failed: ${messageOf(error)}`);
  }
}

async function probeSystems(state: ProbeState): Promise<LayerOutcome> {
  if (!state.auth) fail('No login to list the systems with');
  const res = await call(state, 'GET', state.systemsPath, state.auth!.header);
  if (res.status !== 200) {
    fail(`GET ${state.systemsPath} answered ${res.status}`);
  }
  const body = res.body as Resource | undefined;
  const members: unknown[] = Array.isArray(body?.Members) ? body!.Members : [];
  if (members.length === 0) {
    fail(
      'The BMC lists no computer system: it may still be booting, or this is not the BMC of a server',
    );
  }
  return {
    verdict: 'pass',
    message: `${members.length} system(s) listed`,
    details: { systems: members.length },
  };
}

/** Closes the probe's session; a failure here does not change any verdict. */
async function logout(state: ProbeState): Promise<void> {
  const path = state.auth?.logout;
  if (!path) return;
  try {
    await call(state, 'DELETE', path, state.auth!.header);
  } catch {
    // The session times out on the BMC by itself.
  }
}
