import {
  LifecycleService,
  LifecycleServiceStartupHook,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { warnUnlessStarted } from './startupWatch';

/** A logger that keeps what it is given, level first. */
function recordingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: message => void lines.push(`error ${message}`),
    warn: message => void lines.push(`warn ${message}`),
    info: message => void lines.push(`info ${message}`),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/**
 * A plugin lifecycle whose start-up the test triggers, as the backend does
 * once every plugin has started (and never when one failed).
 */
function lifecycle() {
  const startup: LifecycleServiceStartupHook[] = [];
  const shutdown: (() => void | Promise<void>)[] = [];
  const service: LifecycleService = {
    addStartupHook: hook => void startup.push(hook),
    addShutdownHook: hook => void shutdown.push(hook),
  };
  return {
    service,
    start: async () => {
      for (const hook of startup) await hook();
    },
    stop: async () => {
      for (const hook of shutdown) await hook();
    },
  };
}

describe('warnUnlessStarted', () => {
  it('warns when the backend has not started within the bound, as when a plugin failed to start', async () => {
    const lines: string[] = [];
    const backend = lifecycle();
    warnUnlessStarted({
      lifecycle: backend.service,
      logger: recordingLogger(lines),
      timeoutMs: 50,
    });

    await eventually(
      async () => lines,
      all => all.length > 0,
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /^warn The backend has not finished starting after 0.05 s, so the catalog does not process entities: .*startup failed.*addWebSocketHandler/,
      ),
    ]);
    await backend.stop();
  });

  it('says when a slow backend has started after all', async () => {
    const lines: string[] = [];
    const backend = lifecycle();
    warnUnlessStarted({
      lifecycle: backend.service,
      logger: recordingLogger(lines),
      timeoutMs: 50,
    });
    await eventually(
      async () => lines,
      all => all.length > 0,
    );
    await backend.start();

    expect(lines).toEqual([
      expect.stringMatching(/^warn The backend has not finished starting/),
      'info The backend has started: the catalog now processes the Beskar7 entities',
    ]);
  });

  it('says nothing when the backend starts within the bound', async () => {
    const lines: string[] = [];
    const backend = lifecycle();
    warnUnlessStarted({
      lifecycle: backend.service,
      logger: recordingLogger(lines),
      timeoutMs: 50,
    });
    await backend.start();
    // Past the bound: the timer was cleared.
    await new Promise(resolve => setTimeout(resolve, 200));

    expect(lines).toEqual([]);
  });
});
