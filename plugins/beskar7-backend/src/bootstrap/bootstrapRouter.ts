import { LoggerService } from '@backstage/backend-plugin-api';
import { Router } from 'express';
import { BootstrapDelivery } from './BootstrapDelivery';
import { BOOTSTRAP_DOCUMENTS, BootstrapDocument } from './bootstrapDocuments';

/** Where the route is mounted in the plugin's router (unauthenticated: the token is the credential). */
export const BOOTSTRAP_PATH = '/bootstrap';

/**
 * `GET /bootstrap/<token>/{user-data,meta-data,vendor-data}`: what a host's
 * OS fetches at its first boot. Any failure is a bare 404, so that nothing
 * tells a guesser more than a wrong token does. The token is taken out of
 * the request's URL before anything logs it (Backstage's request log reads
 * `originalUrl` when the response ends).
 */
export function createBootstrapRouter(options: {
  delivery: BootstrapDelivery;
  logger: LoggerService;
}): Router {
  const { delivery, logger } = options;
  const router = Router();
  router.get(`${BOOTSTRAP_PATH}/:token/:document`, async (req, res) => {
    const { token, document } = req.params;
    req.originalUrl = req.originalUrl.replace(token, '<token>');
    req.url = req.url.replace(token, '<token>');
    res.setHeader('Cache-Control', 'no-store');
    try {
      if (!BOOTSTRAP_DOCUMENTS.includes(document as BootstrapDocument)) {
        res.status(404).end();
        return;
      }
      const served = await delivery.serve(token, document as BootstrapDocument);
      if (!served) {
        res.status(404).end();
        return;
      }
      const { namespace, name } = served.machine;
      logger.info(
        `Bootstrap ${document} of machine ${namespace}/${name} served to its host`,
      );
      res.type('application/octet-stream').send(served.body);
    } catch (error) {
      logger.warn(
        `Serving bootstrap ${document} failed: ${
          error instanceof Error ? error.name : 'error'
        }`,
      );
      res.status(503).end();
    }
  });
  return router;
}
