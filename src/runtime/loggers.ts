import { pino, symbols, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { NotFoundError } from './errors.js';
import type { LoggerLevel } from './types.js';

/** log4j's level names, which /admin/loggers accepts (case-insensitively) and reports. */
export const LogLevel = {
  OFF: 'OFF',
  FATAL: 'FATAL',
  ERROR: 'ERROR',
  WARN: 'WARN',
  INFO: 'INFO',
  DEBUG: 'DEBUG',
  TRACE: 'TRACE',
  ALL: 'ALL',
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

const TO_PINO: Record<LogLevel, LevelWithSilent> = {
  OFF: 'silent',
  FATAL: 'fatal',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
  // pino has nothing below trace
  ALL: 'trace',
};

const FROM_PINO: Readonly<Record<string, LogLevel>> = {
  silent: 'OFF',
  fatal: 'FATAL',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  trace: 'TRACE',
};

export const ROOT_LOGGER = 'root';

/**
 * A safety net, not the mechanism: secrets are `Password` objects (printing `[hidden]`) and are
 * never logged on purpose; these paths catch a config map or request logged by mistake.
 */
export const REDACTED_PATHS: readonly string[] = [
  'token',
  'password',
  '*.token',
  '*.password',
  '*.*.token',
  '*.*.password',
  'config.token',
  'req.headers.authorization',
];

/** `level` as a log4j level name (any case), or null when it is not one. */
export function parseLogLevel(level: string): LogLevel | null {
  const upper = level.toUpperCase();
  return Object.hasOwn(LogLevel, upper) ? (upper as LogLevel) : null;
}

/** The process's root logger: JSON lines on stdout (or `destination`), secrets redacted. */
export function createRootLogger(options: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  const level = TO_PINO[options.level ?? LogLevel.INFO];
  const redact = { paths: [...REDACTED_PATHS], censor: '[hidden]' };
  return options.destination ? pino({ level, redact }, options.destination) : pino({ level, redact });
}

interface NamedLogger {
  readonly logger: Logger;
  /** every descendant made with `.child()`: they may hold a level of their own that must follow ours */
  readonly children: Set<WeakRef<Logger>>;
}

/**
 * Named loggers whose levels change at runtime, with the semantics of Kafka Connect 3.9's
 * /admin/loggers over log4j: a logger's effective level is its own, else its nearest dotted ancestor's,
 * else root's; setting a level on a name sets it on every existing logger whose name starts with it.
 */
export class Loggers {
  readonly #root: Logger;
  readonly #clock: () => number;
  #rootLevel: LogLevel;
  /** levels set on a logger itself (log4j's `getLevel() != null`); root is kept apart */
  readonly #explicit = new Map<string, LogLevel>();
  readonly #lastModified = new Map<string, number>();
  /** the loggers that exist, by name (log4j's current loggers) */
  readonly #named = new Map<string, NamedLogger>();
  readonly #collected = new FinalizationRegistry<{ named: NamedLogger; ref: WeakRef<Logger> }>(({ named, ref }) => named.children.delete(ref));
  /** who repeats level changes elsewhere (the loggers of each task thread) */
  readonly #levelListeners = new Set<(namespace: string, level: LogLevel) => void>();

  /**
   * `levels` are start-up levels (from the worker config), like those of a log4j properties file:
   * they count as explicitly set but have no `last_modified`. A `root` entry sets the root level,
   * which otherwise is the root pino logger's.
   */
  constructor(root: Logger, options: { clock?: () => number; levels?: Readonly<Record<string, LogLevel>> } = {}) {
    this.#root = root;
    this.#clock = options.clock ?? Date.now;
    this.#rootLevel = FROM_PINO[root.level] ?? LogLevel.INFO;
    for (const [name, level] of Object.entries(options.levels ?? {})) {
      if (isRoot(name)) this.#rootLevel = level;
      else {
        this.#explicit.set(name, level);
        this.logger(name);
      }
    }
    this.#applyAll();
  }

  /**
   * The logger named `name` (a Java-style dotted name), created on first use. It logs `{ logger: name }`,
   * and it and every child made from it follow level changes made here.
   */
  logger(name: string): Logger {
    if (isRoot(name)) return this.#root;
    const existing = this.#named.get(name);
    if (existing) return existing.logger;
    const logger = this.#root.child({ logger: name });
    const named: NamedLogger = { logger, children: new Set() };
    // pino children copy a level given at creation (Fastify passes one per request), and each
    // child reaches this hook through its prototype chain, so grandchildren are adopted too
    logger.onChild = (child) => this.#adopt(named, child);
    logger.level = TO_PINO[this.#effective(name)];
    this.#named.set(name, named);
    return logger;
  }

  /** Loggers with an explicitly set level, plus root, sorted by name (GET /admin/loggers). */
  all(): Record<string, LoggerLevel> {
    const names = [...this.#explicit.keys(), ROOT_LOGGER].sort();
    return Object.fromEntries(names.map((name) => [name, this.#levelInfo(name)]));
  }

  /** The effective level of an existing logger (`root` in any case is root); null when there is none. */
  level(name: string): LoggerLevel | null {
    if (isRoot(name)) return this.#levelInfo(ROOT_LOGGER);
    return this.#named.has(name) ? this.#levelInfo(name) : null;
  }

  /**
   * Sets `level` on `namespace` (created if absent) and every existing logger whose name starts with
   * it (`root`: on every logger). Returns the affected names, sorted. A logger already at that level
   * keeps its state and timestamp, as in Kafka. Throws NotFoundError `invalid log level '<level>'.`
   */
  setLevel(namespace: string, level: string): string[] {
    const target = parseLogLevel(level);
    if (target === null) throw new NotFoundError(`invalid log level '${level}'.`);
    const affected = isRoot(namespace) ? [...this.#named.keys(), ROOT_LOGGER] : [...this.#named.keys()].filter((name) => name.startsWith(namespace));
    if (!isRoot(namespace) && !this.#named.has(namespace)) affected.push(namespace);

    // decide on the levels as they were before this call, so the outcome does not depend on order
    const changed = affected.filter((name) => this.#effective(name) !== target);
    const now = this.#clock();
    for (const name of changed) {
      if (name === ROOT_LOGGER) this.#rootLevel = target;
      else this.#explicit.set(name, target);
      this.#lastModified.set(name, now);
    }
    for (const name of affected) if (name !== ROOT_LOGGER) this.logger(name);
    this.#applyAll();
    for (const listener of this.#levelListeners) listener(namespace, target);
    return affected.sort();
  }

  /**
   * The levels to start another Loggers with (a task thread's) so that it follows this one: root and
   * every explicitly set level. Later changes reach it through `onSetLevel`.
   */
  levels(): Record<string, LogLevel> {
    return { [ROOT_LOGGER]: this.#rootLevel, ...Object.fromEntries(this.#explicit) };
  }

  /** Calls `listener` after each accepted `setLevel`, to repeat it elsewhere; returns what stops that. */
  onSetLevel(listener: (namespace: string, level: LogLevel) => void): () => void {
    this.#levelListeners.add(listener);
    return () => this.#levelListeners.delete(listener);
  }

  /**
   * Writes a line that another thread's logger made (formatted and filtered by level there) to this
   * process's log destination, so that every thread's lines end up in one stream, in arrival order.
   */
  write(line: string): void {
    (this.#root as unknown as Record<symbol, DestinationStream>)[symbols.streamSym].write(line);
  }

  #effective(name: string): LogLevel {
    if (name === ROOT_LOGGER) return this.#rootLevel;
    for (let n = name; ; n = n.slice(0, n.lastIndexOf('.'))) {
      const level = this.#explicit.get(n);
      if (level) return level;
      if (!n.includes('.')) return this.#rootLevel;
    }
  }

  #levelInfo(name: string): LoggerLevel {
    return { level: this.#effective(name), last_modified: this.#lastModified.get(name) ?? null };
  }

  #adopt(named: NamedLogger, child: Logger): void {
    if (child.level !== named.logger.level) child.level = named.logger.level;
    const ref = new WeakRef(child);
    named.children.add(ref);
    this.#collected.register(child, { named, ref });
  }

  #applyAll(): void {
    this.#root.level = TO_PINO[this.#rootLevel];
    for (const [name, named] of this.#named) {
      const level = TO_PINO[this.#effective(name)];
      if (named.logger.level !== level) named.logger.level = level;
      for (const ref of named.children) {
        const child = ref.deref();
        if (!child) named.children.delete(ref);
        else if (child.level !== level) child.level = level;
      }
    }
  }
}

function isRoot(name: string): boolean {
  return name.toLowerCase() === ROOT_LOGGER;
}
