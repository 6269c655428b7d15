import express, { NextFunction, Request, Response } from 'express';

const unreadable = new WeakMap<Request, Error>();

/**
 * express.json, except that a body that is not JSON is kept as an error for
 * bodyOf to throw once the route has authorized the caller: a caller without
 * the permission gets 403 whatever it sent. Oversized bodies are still
 * refused at once (413), before anything reads them.
 */
export function jsonBody(limit: string) {
  const parse = express.json({ limit });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, error => {
      if (
        error &&
        (error as { type?: string }).type === 'entity.parse.failed'
      ) {
        unreadable.set(req, error);
        next();
      } else {
        next(error);
      }
    });
}

/** The request's JSON body; throws the parse error (400) if it was not JSON. */
export function bodyOf(req: Request): unknown {
  const error = unreadable.get(req);
  if (error) throw error;
  return req.body;
}
