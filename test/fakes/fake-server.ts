import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake remote server for tests: a real `node:http` server on 127.0.0.1 and an ephemeral port.
 *
 *   const fake = await startFakeServer();
 *   fake.route('GET', '/v1/models', () => ({ json: { data: [] } }));
 *   fake.failNext(2, faults.status(503, { retryAfter: '1' }));   // the next two requests fail
 *   ... point the code under test at fake.url ...
 *   expect(fake.requests).toHaveLength(3);
 *   await fake.close();
 *
 * Every request is recorded (method, path, query, headers, body) before it is answered. A handler
 * returns a reply: a status, headers and a body, or a fault (hang, reset, cut, trickle). Faults
 * queued with `failNext` win over routes; an unknown route answers 404. Provider fakes (the LLM,
 * Google) are built on this: they register their routes and keep their own state.
 */

export type RecordedRequest = {
  method: string;
  /** The path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
};

export type FakeReply =
  | {
      status?: number;
      headers?: Record<string, string | number>;
      /** A text or byte body, or `json` (serialised, with its content type). */
      body?: string | Buffer;
      json?: unknown;
      /** Waits this long before answering. */
      delayMs?: number;
    }
  /** Never answers; the connection stays open until the client gives up or the fake closes. */
  | { fault: 'hang' }
  /** Resets the connection (TCP RST) without answering. */
  | { fault: 'reset' }
  /** Sends the headers and the first `afterBytes` of a longer declared body, then closes. */
  | { fault: 'cut'; afterBytes: number }
  /**
   * Sends `chunks` one by one, `intervalMs` apart (a slow body, or a stream of server-sent events
   * with `headers`); `end`: 'cut' drops the connection after the last chunk (a stream cut halfway),
   * 'hang' keeps it open without finishing.
   */
  | {
      fault: 'trickle';
      chunks: string[];
      intervalMs: number;
      status?: number;
      headers?: Record<string, string>;
      end?: 'cut' | 'hang';
    };

export type Handler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

/** Ready-made replies for the usual faults. */
export const faults = {
  status: (status: number, options: { retryAfter?: string; body?: string } = {}): FakeReply => ({
    status,
    headers: options.retryAfter === undefined ? {} : { 'retry-after': options.retryAfter },
    body: options.body ?? `fake ${status}`,
  }),
  hang: (): FakeReply => ({ fault: 'hang' }),
  reset: (): FakeReply => ({ fault: 'reset' }),
  cut: (afterBytes = 10): FakeReply => ({ fault: 'cut', afterBytes }),
  trickle: (chunks: string[], intervalMs: number): FakeReply => ({ fault: 'trickle', chunks, intervalMs }),
  /** A body of `bytes` bytes, with a Content-Length, or chunked when `chunked` (the size shows only while reading). */
  oversized: (bytes: number, options: { chunked?: boolean } = {}): FakeReply =>
    options.chunked
      ? { fault: 'trickle', chunks: chunksOf(bytes, 64 * 1024), intervalMs: 0 }
      : { status: 200, body: Buffer.alloc(bytes, 0x61) },
  redirect: (location: string, status = 302): FakeReply => ({ status, headers: { location } }),
};

/** A wait that never keeps the test process alive. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Resolves when a response can take more bytes, or has closed. */
function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function chunksOf(bytes: number, size: number): string[] {
  const chunks: string[] = [];
  for (let left = bytes; left > 0; left -= size) chunks.push('a'.repeat(Math.min(size, left)));
  return chunks;
}

export type FakeServer = Awaited<ReturnType<typeof startFakeServer>>;

export async function startFakeServer() {
  const routes = new Map<string, Handler>();
  const queued: Array<{ remaining: number; reply: FakeReply }> = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let latencyMs = 0;
  const abandoned = { count: 0 };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        text: body.toString('utf8'),
      };
      requests.push(recorded);
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      void answer(recorded, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(request: RecordedRequest, res: http.ServerResponse) {
    if (latencyMs > 0) await pause(latencyMs);
    const next = queued[0];
    let reply: FakeReply;
    if (next) {
      reply = next.reply;
      if (--next.remaining === 0) queued.shift();
    } else {
      const handler = routes.get(`${request.method} ${request.path}`);
      reply = handler ? await handler(request) : { status: 404, json: { error: 'no route' } };
    }
    await send(reply, res);
  }

  async function send(reply: FakeReply, res: http.ServerResponse) {
    if ('fault' in reply) {
      if (reply.fault === 'hang') return;
      if (reply.fault === 'reset') return void res.socket?.resetAndDestroy();
      if (reply.fault === 'cut') {
        res.writeHead(200, { 'content-length': reply.afterBytes + 1000 });
        res.write('x'.repeat(reply.afterBytes), () => res.socket?.destroy());
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
      res.on('close', () => {
        if (!res.writableFinished) abandoned.count++;
      });
      for (const chunk of reply.chunks) {
        if (res.destroyed) return;
        // Like a real server, wait for the client to take the bytes (or to hang up) before writing more.
        if (!res.write(chunk)) await drained(res);
        if (reply.intervalMs > 0) await pause(reply.intervalMs);
      }
      if (reply.end === 'cut') return void res.socket?.destroy();
      if (reply.end !== 'hang') res.end();
      return;
    }
    if (reply.delayMs) await pause(reply.delayMs);
    const isJson = reply.json !== undefined;
    const body = isJson ? JSON.stringify(reply.json) : (reply.body ?? '');
    const type = isJson ? { 'content-type': 'application/json' } : {};
    res.writeHead(reply.status ?? 200, { ...type, 'content-length': Buffer.byteLength(body), ...reply.headers });
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    /** `http://127.0.0.1:<port>`, no trailing slash. */
    url: origin,
    port,
    /** Every request received, oldest first. */
    requests,
    /** Trickled answers whose connection closed before the last byte (the client gave up, or a cut). */
    abandoned,
    /** Answers `METHOD path` (exact path, query ignored) with the handler's reply; replaces an earlier route. */
    route(method: string, path: string, handler: Handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    /** Delays every answer by `ms` from now on (0 turns it off). */
    setLatency(ms: number) {
      latencyMs = ms;
    },
    /** The next `count` requests, whatever their route, get `reply`; queued calls are served in order. */
    failNext(count: number, reply: FakeReply) {
      queued.push({ remaining: count, reply });
    },
    /** Resolves once `count` requests in all have been received. */
    waitForRequests(count: number): Promise<void> {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    /** Stops listening and drops every open connection (hanging ones included). */
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
