import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP relay in front of a real API server that can freeze as a stopped
 * process or a frozen node does: connections are still accepted by the
 * kernel, but not a byte moves either way until it thaws. SIGSTOP on the
 * shared kube-apiserver would freeze every suite running beside this one.
 */
export class FreezingProxy {
  private server?: Server;
  private frozen = false;
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on a free port of 127.0.0.1; returns it. */
  async start(): Promise<number> {
    this.server = createServer(client => {
      client.pause();
      const relay = () => {
        const upstream = connect(this.target);
        const pair: [Socket, Socket] = [client, upstream];
        this.pairs.add(pair);
        const close = () => {
          this.pairs.delete(pair);
          client.destroy();
          upstream.destroy();
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
        client.pipe(upstream);
        upstream.pipe(client);
        if (this.frozen) upstream.pause();
        else client.resume();
      };
      if (this.frozen) this.waiting.push(relay);
      else relay();
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    return (this.server.address() as AddressInfo).port;
  }

  freeze(): void {
    this.frozen = true;
    for (const [client, upstream] of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  thaw(): void {
    this.frozen = false;
    for (const [client, upstream] of this.pairs) {
      client.resume();
      upstream.resume();
    }
    for (const relay of this.waiting.splice(0)) relay();
  }

  async stop(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise(resolve => this.server?.close(resolve));
  }
}
