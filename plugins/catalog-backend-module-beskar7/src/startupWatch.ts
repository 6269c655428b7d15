import { LifecycleService, LoggerService } from '@backstage/backend-plugin-api';

/**
 * The catalog turns what providers apply into entities only once the whole
 * backend has started: its processing engine starts in a startup hook of the
 * root lifecycle (pass that one), and those never run when any plugin of the
 * backend fails to start. The provider's mutations are then stored and
 * nothing appears in the catalog, with no message from the catalog. This
 * says so when the backend has not started within `timeoutMs`, and again when
 * it does start after all.
 */
export function warnUnlessStarted(options: {
  lifecycle: LifecycleService;
  logger: LoggerService;
  timeoutMs: number;
}): void {
  const { lifecycle, logger, timeoutMs } = options;
  let warned = false;
  const timer = setTimeout(() => {
    warned = true;
    logger.warn(
      `The backend has not finished starting after ${
        timeoutMs / 1000
      } s, so the catalog does not process entities: the Beskar7 pools, hosts ` +
        `and template will not appear in the catalog. A plugin that failed to ` +
        `start stops the catalog's processing: look for "Plugin '...' startup ` +
        `failed" in this log (a new app whose signals plugin fails with ` +
        `"httpRouter.addWebSocketHandler is not a function" mixes Backstage ` +
        `releases: https://github.com/beskar7/backstage-plugins#a-new-app-whose-backend-fails-httprouteraddwebsockethandler-is-not-a-function).`,
    );
  }, timeoutMs);
  lifecycle.addStartupHook(() => {
    clearTimeout(timer);
    if (warned) {
      logger.info(
        'The backend has started: the catalog now processes the Beskar7 entities',
      );
    }
  });
  lifecycle.addShutdownHook(() => clearTimeout(timer));
}
