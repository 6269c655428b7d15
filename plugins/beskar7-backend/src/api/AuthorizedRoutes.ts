import { ApiRouter, internal } from '@backstage/backend-openapi-utils';
import { JsonObject } from '@backstage/types';
import express, { Request, RequestHandler, Response } from 'express';
import Router from 'express-promise-router';
import { Authorizer, Call, Caller, Permissions } from '../authorization';
import { spec } from '../schema/openapi.generated';
import { SpecResponses } from '../schema/openapi.responses.generated';
import { specErrors } from './specErrors';

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

type Spec = typeof spec;
/** The router the spec types and validates. */
export type SpecRouter = ApiRouter<Spec>;
type Method = 'get' | 'post' | 'patch' | 'delete';
type Paths = Spec['paths'];
type DocPath = internal.DocPath<Spec>;
/** The paths of the spec that have method `M`, in express syntax (`/hosts/:id`). */
type SpecPath<M extends Method> = {
  [D in DocPath]: M extends keyof Paths[D] ? internal.PathTemplate<D> : never;
}[DocPath];
/** The express handler the spec types for path `P` and method `M`. */
type Typed<P extends string, M extends Method> = {
  [D in DocPath]: P extends internal.PathTemplate<D>
    ? M extends internal.DocPathMethod<Spec, D>
      ? internal.DocRequestHandler<Spec, D, M>
      : never
    : never;
}[DocPath];
/** What the route at path `P` answers with on success (the -common type the spec names). */
type ResponseBody<P extends string, M extends Method> = {
  [D in keyof SpecResponses]: P extends internal.PathTemplate<D>
    ? M extends keyof SpecResponses[D]
      ? SpecResponses[D][M]
      : never
    : never;
}[keyof SpecResponses];
/**
 * A handler whose path, parameters, query and body are typed by the spec,
 * and whose answer by the type the spec names for it: one answering another
 * shape does not compile.
 */
type Handler<P extends string, M extends Method> = (
  req: Parameters<Typed<P, M>>[0],
  res: Response<ResponseBody<P, M>>,
  call: RouteCall,
) => Promise<void>;

type UntypedHandler = (
  req: Request,
  res: Response,
  call: RouteCall,
) => Promise<void>;

interface DeclaredRoute extends RouteAccess {
  method: string;
  pattern: RegExp;
}

/**
 * A request without a body (a bare POST) reaches the validator as an empty
 * JSON object: otherwise it refuses it for its missing media type, where the
 * spec makes the body optional or names the fields it needs.
 */
const emptyBodyAsJson: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody && !req.headers['content-type']) {
    req.headers['content-type'] = 'application/json';
  }
  next();
};

/**
 * Routes that each declare their permission. One gate in front of them all
 * checks it on the raw request, before anything decodes the path, reads the
 * query or parses the body: a caller without the permission gets 403 whatever
 * it sent, and a handler only parses its input, calls and answers.
 */
export class AuthorizedRoutes {
  private readonly declared: DeclaredRoute[] = [];
  private readonly callers = new WeakMap<Request, Caller>();
  private readonly open = Router();

  /** `routes` validates every request against the spec (createOpenApiRouter). */
  constructor(
    private readonly authorizer: Authorizer,
    private readonly routes: SpecRouter,
  ) {}

  /**
   * The open routes, the gate, bodies parsed up to `bodyLimit` (so that a
   * body too large or in an unknown encoding answers 413 or 415, not the
   * validator's 400), then the spec's validation and the routes.
   */
  router(bodyLimit: string): express.Router {
    const router = Router();
    router.use(this.open);
    router.use(this.gate);
    router.use(express.json({ limit: bodyLimit }));
    router.use(emptyBodyAsJson);
    router.use(this.routes);
    router.use(specErrors);
    return router;
  }

  /** A route anyone may call (its auth policy is set on the plugin's router). */
  public(
    path: string,
    handler: (req: Request, res: Response) => Promise<void>,
  ) {
    this.open.get(path, handler);
  }

  get<P extends SpecPath<'get'>>(
    path: P,
    access: RouteAccess,
    handler: Handler<P, 'get'>,
  ) {
    this.add('get', path, access, handler as UntypedHandler);
  }

  post<P extends SpecPath<'post'>>(
    path: P,
    access: RouteAccess,
    handler: Handler<P, 'post'>,
  ) {
    this.add('post', path, access, handler as UntypedHandler);
  }

  patch<P extends SpecPath<'patch'>>(
    path: P,
    access: RouteAccess,
    handler: Handler<P, 'patch'>,
  ) {
    this.add('patch', path, access, handler as UntypedHandler);
  }

  delete<P extends SpecPath<'delete'>>(
    path: P,
    access: RouteAccess,
    handler: Handler<P, 'delete'>,
  ) {
    this.add('delete', path, access, handler as UntypedHandler);
  }

  private add(
    method: Method,
    path: string,
    access: RouteAccess,
    handler: UntypedHandler,
  ) {
    this.declared.push({ ...access, method, pattern: rawPattern(path) });
    // The spec typed the handler at its call site; express sees it plain.
    (this.routes as express.Router)[method](path, async (req, res) => {
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
