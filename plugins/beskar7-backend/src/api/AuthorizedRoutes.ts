import { JsonObject } from '@backstage/types';
import express, { Request, RequestHandler, Response } from 'express';
import Router from 'express-promise-router';
import { Authorizer, Call, Caller, Permissions } from '../authorization';

/** What a route needs of its caller. */
export interface RouteAccess {
  permission: Permissions;
  /** The audit event every call records, refused ones included. */
  audit?: string;
}

/** The caller of an authorized route, and its audit event. */
export interface RouteCall extends Call {
  /** Runs the route's work, recording `meta` in its audit event (if it has one). */
  audited<T>(meta: JsonObject, work: () => Promise<T>): Promise<T>;
}

type Handler = (req: Request, res: Response, call: RouteCall) => Promise<void>;
type Method = 'get' | 'post' | 'patch' | 'delete';

interface DeclaredRoute extends RouteAccess {
  method: string;
  pattern: RegExp;
}

/**
 * Routes that each declare their permission. One gate in front of them all
 * checks it on the raw request, before anything decodes the path, reads the
 * query or parses the body: a caller without the permission gets 403 whatever
 * it sent, and a handler only parses its input, calls and answers.
 */
export class AuthorizedRoutes {
  private readonly declared: DeclaredRoute[] = [];
  private readonly callers = new WeakMap<Request, Caller>();
  private readonly routes = Router();
  private readonly open = Router();

  constructor(private readonly authorizer: Authorizer) {}

  /** The gate, then bodies parsed up to `bodyLimit`, then the routes. */
  router(bodyLimit: string): express.Router {
    const router = Router();
    router.use(this.open);
    router.use(this.gate);
    router.use(express.json({ limit: bodyLimit }));
    router.use(this.routes);
    return router;
  }

  /** A route anyone may call (its auth policy is set on the plugin's router). */
  public(
    path: string,
    handler: (req: Request, res: Response) => Promise<void>,
  ) {
    this.open.get(path, handler);
  }

  get(path: string, access: RouteAccess, handler: Handler) {
    this.add('get', path, access, handler);
  }

  post(path: string, access: RouteAccess, handler: Handler) {
    this.add('post', path, access, handler);
  }

  patch(path: string, access: RouteAccess, handler: Handler) {
    this.add('patch', path, access, handler);
  }

  delete(path: string, access: RouteAccess, handler: Handler) {
    this.add('delete', path, access, handler);
  }

  private add(
    method: Method,
    path: string,
    access: RouteAccess,
    handler: Handler,
  ) {
    this.declared.push({ ...access, method, pattern: rawPattern(path) });
    this.routes[method](path, async (req, res) => {
      const call = { caller: this.callers.get(req)!, request: req };
      if (!access.audit) {
        await handler(req, res, { ...call, audited: (_meta, work) => work() });
        return;
      }
      // The event covers the whole handler: input refused with 400 is recorded too.
      await this.authorizer.audited(access.audit, call, describe =>
        handler(req, res, {
          ...call,
          audited: (meta, work) => {
            describe(meta);
            return work();
          },
        }),
      );
    });
  }

  private readonly gate: RequestHandler = async (req, _res, next) => {
    const route = this.match(req);
    if (!route) {
      next(); // no such route: 404, as before
      return;
    }
    try {
      const caller = await this.authorizer.authenticate(req);
      await this.authorizer.authorize(caller, route.permission);
      this.callers.set(req, caller);
    } catch (error) {
      if (route.audit) {
        await this.authorizer.refused(
          route.audit,
          { request: req },
          error as Error,
        );
      }
      throw error;
    }
    next();
  };

  private match(req: Request): DeclaredRoute | undefined {
    const method = req.method === 'HEAD' ? 'get' : req.method.toLowerCase();
    return this.declared.find(
      r => r.method === method && r.pattern.test(req.path),
    );
  }
}

/** A route path as a pattern on the raw, undecoded request path. */
function rawPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map(part =>
      part.startsWith(':')
        ? '[^/]+'
        : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}/?$`, 'i');
}
