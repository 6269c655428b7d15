import { AddressInfo, connect, createServer, Socket } from 'node:net';

/**
 * A TCP proxy in front of a database whose link can stall or slow down:
 * while stalled, no byte moves either way on any connection, new ones
 * included, as when the network between the backend and its database drops
 * packets; with a latency, every chunk is held that long each way. Nothing is
 * lost or reordered; everything flows again when the stall ends.
 */
export interface StallingProxy {
  port: number;
  /** Stops every byte for `ms`, then lets them through again. */
  stall(ms: number): Promise<void>;
  /** Holds every chunk `ms` (one way) from now on; 0 for none. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startStallingProxy(target: {
  host: string;
  port: number;
}): Promise<StallingProxy> {
  const sockets = new Set<Socket>();
  const flushers = new Set<() => void>();
  let stalled = false;
  let latencyMs = 0;

  const forward = (from: Socket, to: Socket) => {
    const queue: Array<{ at: number; chunk: Buffer }> = [];
    let timer: NodeJS.Timeout | undefined;
    // Writes, in order, what is due; a stall's end calls it again.
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (stalled) return;
      const now = Date.now();
      while (queue.length && queue[0].at <= now) {
        const { chunk } = queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length) timer = setTimeout(flush, queue[0].at - now);
    };
    flushers.add(flush);
    from.on('data', (chunk: Buffer) => {
      queue.push({ at: Date.now() + latencyMs, chunk });
      if (!timer) flush();
    });
    from.on('close', () => {
      flushers.delete(flush);
      clearTimeout(timer);
      to.destroy();
    });
    from.on('error', () => from.destroy());
  };

  const server = createServer(client => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    async stall(ms) {
      stalled = true;
      await new Promise(r => setTimeout(r, ms));
      stalled = false;
      for (const flush of flushers) flush();
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
