import { AddressInfo, connect, createServer, Socket } from 'node:net';

/**
 * A TCP proxy in front of a database whose link can stall: while stalled,
 * no byte moves either way on any connection, new ones included, as when
 * the network between the backend and its database drops packets. Nothing
 * is lost; everything flows again when the stall ends.
 */
export interface StallingProxy {
  port: number;
  /** Stops every byte for `ms`, then lets them through again. */
  stall(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startStallingProxy(target: {
  host: string;
  port: number;
}): Promise<StallingProxy> {
  const sockets = new Set<Socket>();
  // Bytes held back during a stall, per destination, in order.
  const held: Array<{ to: Socket; chunk: Buffer }> = [];
  let stalled = false;

  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (stalled) held.push({ to, chunk });
      else to.write(chunk);
    });
    from.on('close', () => to.destroy());
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
      for (const { to, chunk } of held.splice(0)) {
        if (!to.destroyed) to.write(chunk);
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
