/**
 * One log line per request, written when the response is sent, like Connect's access log. It carries
 * the request id and the connector name when the route has one (`bindConnectorLogger`). Bodies are
 * never logged: connector configs hold tokens and passwords.
 *
 * Per-request pino children are made only when something logs through them: a child costs a copy of
 * the bindings, a serialisation of them and a registration with Loggers (so its level can follow
 * /admin/loggers), which on a status poll was a large share of the request's CPU. The access line
 * itself goes through the route's logger with the request's bindings as its first fields, which
 * pino writes as the same JSON a child would; and through a twin of it without redaction, which
 * (with the root logger's wildcard paths) cost more than the rest of the line: its fields are flat and
 * none is named like a secret, so redaction could never change it.
 */
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilent } from 'pino';

type Level = Exclude<LevelWithSilent, 'silent'>;
type Args = [obj: unknown, msg?: string, ...args: unknown[]];

/** What RequestLogger needs of its parent: a pino logger (Fastify's null logger has no isLevelEnabled). */
type LevelAwareLogger = FastifyBaseLogger & { isLevelEnabled(level: string): boolean };

function isLevelAware(logger: FastifyBaseLogger): logger is LevelAwareLogger {
  return typeof (logger as Partial<LevelAwareLogger>).isLevelEnabled === 'function';
}

const accessLoggers = new WeakMap<LevelAwareLogger, LevelAwareLogger>();

/** `logger` without redaction, made once; a pino child, so it follows /admin/loggers as its parent does. */
function accessLoggerOf(logger: LevelAwareLogger): LevelAwareLogger {
  let access = accessLoggers.get(logger);
  if (access === undefined) accessLoggers.set(logger, (access = logger.child({}, { redact: { paths: [] } }) as LevelAwareLogger));
  return access;
}

/**
 * A request's logger: the route's logger plus the request's bindings, becoming a pino child of it
 * on the first enabled log call (or level change). Its level is its parent's until then, so it follows
 * /admin/loggers like a child would.
 */
export class RequestLogger implements FastifyBaseLogger {
  readonly #parent: LevelAwareLogger;
  readonly #bindings: Bindings;
  /** bindings added by `child()` (the connector): kept apart, as spreading Fastify's computed-key bindings object is slow */
  readonly #extra: Bindings | undefined;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: LevelAwareLogger, bindings: Bindings, extra?: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#extra = extra;
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: string) {
    this.#materialized().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    if (this.#child !== undefined || (options !== undefined && Object.keys(options).length > 0)) {
      return this.#materialized().child(bindings, options);
    }
    return new RequestLogger(this.#parent, this.#bindings, this.#extra ? Object.assign({}, this.#extra, bindings) : bindings);
  }

  /**
   * Writes `fields` at `level` with the request's bindings in front, as a child would, without
   * making one and without redaction. Only for lines whose fields are flat, named unlike any secret
   * and unlike the bindings: the access line.
   */
  write(level: Level, fields: Record<string, string | number>, msg: string): void {
    if (this.#child !== undefined) return this.#child[level](fields, msg);
    if (!this.#parent.isLevelEnabled(level)) return;
    accessLoggerOf(this.#parent)[level](Object.assign({}, this.#bindings, this.#extra, fields), msg);
  }

  fatal(...args: Args): void {
    this.#log('fatal', args);
  }

  error(...args: Args): void {
    this.#log('error', args);
  }

  warn(...args: Args): void {
    this.#log('warn', args);
  }

  info(...args: Args): void {
    this.#log('info', args);
  }

  debug(...args: Args): void {
    this.#log('debug', args);
  }

  trace(...args: Args): void {
    this.#log('trace', args);
  }

  silent(): void {}

  #log(level: Level, args: Args): void {
    if (this.#child === undefined && !this.#parent.isLevelEnabled(level)) return;
    (this.#materialized()[level] as (...a: Args) => void)(...args);
  }

  #materialized(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#extra ? Object.assign({}, this.#bindings, this.#extra) : this.#bindings));
  }
}

/**
 * Fastify's childLoggerFactory: a RequestLogger per request. Route options that give a request logger
 * a level or serializers of its own, and parents that are not pino loggers, get a real child at once.
 */
export function requestLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (!isLevelAware(logger) || Object.keys(options).length > 0) return logger.child(bindings, options);
  return new RequestLogger(logger, bindings);
}

export class RequestLog extends LogController {
  override incomingRequest(): void {
    // the completion line says everything; two lines per request only add noise
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (reply.log instanceof RequestLogger) reply.log.write('info', line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}

/** onRequest hook: the request's logger carries `{connector}` on routes with a connector in the path. */
export function bindConnectorLogger(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const connector = (request.params as { connector?: string } | undefined)?.connector;
  if (connector !== undefined) {
    request.log = request.log.child({ connector });
    reply.log = request.log;
  }
  done();
}
