import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** An echo server: answers every chunk with `echo:<chunk>`. */
async function startEcho() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => socket.write(`echo:${chunk.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

type Outcome = { kind: 'data'; text: string } | { kind: 'closed' } | { kind: 'error'; code: string } | { kind: 'silent' };

/** Connects (or reuses a socket), sends `text`, and reports what happened first; `silent` once waitMs passed with nothing. */
function exchange(port: number, text: string, waitMs = 300, socket?: net.Socket): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = socket ?? net.connect(port, '127.0.0.1');
    const done = (o: Outcome) => {
      clearTimeout(timer);
      s.removeAllListeners('data');
      s.removeAllListeners('close');
      s.removeAllListeners('error');
      s.on('error', () => undefined);
      resolve(o);
    };
    const timer = setTimeout(() => done({ kind: 'silent' }), waitMs);
    s.on('data', (chunk) => done({ kind: 'data', text: chunk.toString() }));
    s.on('close', () => done({ kind: 'closed' }));
    s.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', code: err.code ?? 'unknown' }));
    s.write(text);
  });
}

function openSocket(port: number) {
  return new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

let echo: Awaited<ReturnType<typeof startEcho>>;
let proxy: TcpProxy;
const open: net.Socket[] = [];
beforeEach(async () => {
  echo = await startEcho();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
});
afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await proxy.close();
  await echo.close();
});

describe('tcp proxy', () => {
  it('forwards both ways and counts connections', async () => {
    expect(await exchange(proxy.port, 'hello', 2000)).toEqual({ kind: 'data', text: 'echo:hello' });
    expect(proxy.connections()).toBe(1);
  });

  it('cut closes existing connections and refuses new ones until restored', async () => {
    const held = await openSocket(proxy.port);
    open.push(held);
    expect(await exchange(proxy.port, 'one', 2000, held)).toEqual({ kind: 'data', text: 'echo:one' });
    proxy.cut();
    expect((await exchange(proxy.port, 'two', 2000, held)).kind).not.toBe('data');
    expect((await exchange(proxy.port, 'three', 2000)).kind).toMatch(/closed|error/);
    proxy.restore();
    expect(await exchange(proxy.port, 'four', 2000)).toEqual({ kind: 'data', text: 'echo:four' });
  });

  it('blackhole accepts connections and never answers', async () => {
    proxy.blackhole();
    expect(await exchange(proxy.port, 'anyone there', 300)).toEqual({ kind: 'silent' });
    proxy.restore();
    expect(await exchange(proxy.port, 'back', 2000)).toEqual({ kind: 'data', text: 'echo:back' });
  });

  it('slow still delivers, in order', async () => {
    proxy.slow(50);
    expect(await exchange(proxy.port, 'late', 2000)).toEqual({ kind: 'data', text: 'echo:late' });
  });

  it('reset sends RST to existing connections and keeps accepting new ones', async () => {
    const held = await openSocket(proxy.port);
    open.push(held);
    expect(await exchange(proxy.port, 'one', 2000, held)).toEqual({ kind: 'data', text: 'echo:one' });
    const outcome = new Promise<Outcome>((resolve) => {
      held.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? 'unknown' }));
      held.on('close', () => resolve({ kind: 'closed' }));
    });
    proxy.reset();
    expect(await outcome).toEqual({ kind: 'error', code: 'ECONNRESET' });
    expect(await exchange(proxy.port, 'two', 2000)).toEqual({ kind: 'data', text: 'echo:two' });
  });
});
