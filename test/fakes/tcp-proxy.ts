import net from 'node:net';

/**
 * A TCP proxy the test controls, in front of a real service (PostgreSQL, Redis): the way to make a
 * dependency fail for real, without mocking its client library.
 *
 * - `cut()`: existing connections are destroyed and new ones are closed at once (a refused service).
 * - `blackhole()`: connections are accepted and kept open but nothing is forwarded either way (a hang).
 * - `slow(ms)`: every chunk is forwarded after `ms` (order kept).
 * - `reset()`: existing connections get a TCP RST (the proxy stays open for new ones).
 * - `restore()`: forward normally again (existing held connections stay dead; clients reconnect).
 */
export type TcpProxy = {
  port: number;
  /** `host:port` of the proxy, for building a URL. */
  address: string;
  cut(): void;
  blackhole(): void;
  slow(ms: number): void;
  reset(): void;
  restore(): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
};

type Mode = 'open' | 'cut' | 'blackhole';
type Pair = { client: net.Socket; upstream?: net.Socket };

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'open';
  let delayMs = 0;
  let accepted = 0;
  const pairs = new Set<Pair>();

  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      if (mode !== 'open') return;
      if (delayMs > 0) {
        // Pausing keeps chunks in order while each waits its delay.
        from.pause();
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        }, delayMs);
      } else if (!to.destroyed) {
        to.write(chunk);
      }
    });
  };

  const destroyPair = (pair: Pair, rst: boolean) => {
    for (const socket of [pair.client, pair.upstream]) {
      if (!socket || socket.destroyed) continue;
      if (rst) socket.resetAndDestroy();
      else socket.destroy();
    }
    pairs.delete(pair);
  };

  const server = net.createServer((client) => {
    accepted += 1;
    client.on('error', () => undefined);
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const pair: Pair = { client };
    pairs.add(pair);
    client.on('close', () => destroyPair(pair, false));
    if (mode === 'blackhole') return;
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => destroyPair(pair, false));
    upstream.on('close', () => destroyPair(pair, false));
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    address: `127.0.0.1:${port}`,
    cut() {
      mode = 'cut';
      for (const pair of [...pairs]) destroyPair(pair, false);
    },
    blackhole() {
      mode = 'blackhole';
    },
    slow(ms) {
      delayMs = ms;
    },
    reset() {
      for (const pair of [...pairs]) destroyPair(pair, true);
    },
    restore() {
      // Connections held during a blackhole never forwarded anything: drop them so clients reconnect.
      if (mode === 'blackhole') for (const pair of [...pairs]) destroyPair(pair, false);
      mode = 'open';
      delayMs = 0;
    },
    connections: () => accepted,
    async close() {
      for (const pair of [...pairs]) destroyPair(pair, false);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
