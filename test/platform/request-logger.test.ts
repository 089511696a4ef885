import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../src/server/runtime.js';
import { loadConfig } from '../../src/server/config.js';
import { lazyRequestLogger } from '../../src/server/platform/http/request-logger.js';

function production(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: level, SESSION_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: 'ab'.repeat(32) });
  return { log: createLogger(config, sink) as unknown as FastifyBaseLogger, lines };
}

type WithBindings = FastifyBaseLogger & {
  setBindings(b: object): void;
  bindings(): Record<string, unknown>;
  isLevelEnabled(level: string): boolean;
};

describe('the per-request logger', () => {
  it('writes nothing below its level, and a line above it carries the request and user ids, redacted', () => {
    const { log, lines } = production('warn');
    const request = lazyRequestLogger(log, { requestId: 'r-1' }, {}) as WithBindings;
    request.setBindings({ userId: 'u-1' });
    request.info('not written');
    request.debug({ a: 1 }, 'not written');
    expect(lines).toEqual([]);
    expect(request.bindings()).toMatchObject({ requestId: 'r-1', userId: 'u-1' });
    request.warn({ body: { password: 'hunter2-secret' } }, 'request shed');
    request.error({ reason: 'x' }, 'failed');
    expect(lines.map((l) => [l.msg, l.requestId, l.userId])).toEqual([
      ['request shed', 'r-1', 'u-1'],
      ['failed', 'r-1', 'u-1'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('hunter2-secret');
    // Bindings added once it is a real child still reach its next lines.
    request.setBindings({ step: 'two' });
    request.warn('again');
    expect(lines.at(-1)).toMatchObject({ requestId: 'r-1', userId: 'u-1', step: 'two' });
    expect((request.child({ job: 'j' }) as WithBindings).bindings()).toMatchObject({ requestId: 'r-1', job: 'j' });
  });

  it('at info every line is written, as with a plain child', () => {
    const { log, lines } = production('info');
    const request = lazyRequestLogger(log, { requestId: 'r-2' }, {}) as WithBindings;
    request.info({ n: 1 }, 'incoming request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'incoming request', requestId: 'r-2', n: 1 });
    expect(request.level).toBe('info');
    expect(request.isLevelEnabled('debug')).toBe(false);
  });
});
