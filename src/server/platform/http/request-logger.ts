import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<Logger['info']>;

/**
 * A request's logger that becomes a pino child only when it first writes a line at an enabled level
 * (or is asked for a child or its bindings). Fastify makes one per request, and a pino child
 * serialises its bindings through the redaction rules when it is made: most requests never log.
 */
class RequestLogger {
  private real: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindingsSoFar: Record<string, unknown>,
  ) {}

  /** Bindings set before the child exists (the user id, on every signed-in request): merged once it is made. */
  private later: Record<string, unknown> | undefined;

  private get made(): Logger {
    this.real ??= this.parent.child(this.later ? { ...this.bindingsSoFar, ...this.later } : this.bindingsSoFar);
    return this.real;
  }

  private write(level: Level, args: LogArgs) {
    if (!this.real && !this.parent.isLevelEnabled(level)) return;
    (this.made[level] as (...a: LogArgs) => void)(...args);
  }

  get level() {
    return this.real?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.made.level = level;
  }
  isLevelEnabled(level: string) {
    return (this.real ?? this.parent).isLevelEnabled(level);
  }
  bindings() {
    return this.real ? this.real.bindings() : { ...this.parent.bindings(), ...this.bindingsSoFar, ...this.later };
  }
  setBindings(bindings: Record<string, unknown>) {
    if (this.real) this.real.setBindings(bindings);
    else this.later = this.later ? { ...this.later, ...bindings } : bindings;
  }
  fatal(...args: LogArgs) {
    this.write('fatal', args);
  }
  error(...args: LogArgs) {
    this.write('error', args);
  }
  warn(...args: LogArgs) {
    this.write('warn', args);
  }
  info(...args: LogArgs) {
    this.write('info', args);
  }
  debug(...args: LogArgs) {
    this.write('debug', args);
  }
  trace(...args: LogArgs) {
    this.write('trace', args);
  }
  silent() {}
  child(bindings: Record<string, unknown>, options?: object) {
    return this.made.child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: the lazy logger above, unless the route sets its own level or
 * serializers (none does today), which only a real child can honour.
 */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Record<string, unknown>,
  opts: { level?: string; serializers?: object },
) {
  if (opts.level || opts.serializers) return logger.child(bindings, opts as never);
  return new RequestLogger(logger as unknown as Logger, bindings) as unknown as FastifyBaseLogger;
}
