/**
 * Kafka Connect's error handling for sink tasks (`runtime/errors/` in Kafka): the `errors.*` keys,
 * retries with backoff for retriable failures, `errors.tolerance`, the log reporter and the
 * dead-letter-queue reporter, and Java-like stack traces for task statuses.
 */
import type { Logger } from 'pino';
import { ConnectError, RetriableError, type ErrantRecordReporter, type Header } from '../../plugin/index.js';
import type { ConnectorConfig } from '../../store/types.js';
import type { Clock } from '../clock.js';
import type { SinkTaskMetrics } from '../metrics.js';
import type { ConnectorTaskId } from '../status/status.js';
import { consumedRecordOf, type ConsumedRecord } from './consumed-records.js';

/** Where a record failed (Kafka's `Stage`, wire-identical names for the DLQ `stage` header). */
export const Stage = {
  KEY_CONVERTER: 'KEY_CONVERTER',
  VALUE_CONVERTER: 'VALUE_CONVERTER',
  HEADER_CONVERTER: 'HEADER_CONVERTER',
  TRANSFORMATION: 'TRANSFORMATION',
  TASK_PUT: 'TASK_PUT',
  KAFKA_CONSUME: 'KAFKA_CONSUME',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export interface ErrorHandlingConfig {
  /** `errors.retry.timeout`: 0 = no retry, -1 = retry forever */
  readonly retryTimeoutMs: number;
  /** `errors.retry.delay.max.ms` */
  readonly retryDelayMaxMs: number;
  /** `errors.tolerance` */
  readonly toleranceAll: boolean;
  readonly logEnable: boolean;
  readonly logIncludeMessages: boolean;
  /** `errors.deadletterqueue.topic.name`, trimmed; '' = no DLQ */
  readonly dlqTopic: string;
  readonly dlqReplicationFactor: number;
  readonly dlqContextHeaders: boolean;
}

function intValue(config: ConnectorConfig, key: string, fallback: number): number {
  const raw = config[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) ? n : fallback;
}

function boolValue(config: ConnectorConfig, key: string): boolean {
  return config[key]?.trim().toLowerCase() === 'true';
}

/**
 * Reads the framework's `errors.*` keys from a connector config the herder already validated
 * (defaults as in Kafka's ConnectorConfig / SinkConnectorConfig).
 */
export function errorHandlingConfig(config: ConnectorConfig): ErrorHandlingConfig {
  return {
    retryTimeoutMs: intValue(config, 'errors.retry.timeout', 0),
    retryDelayMaxMs: intValue(config, 'errors.retry.delay.max.ms', 60000),
    toleranceAll: config['errors.tolerance']?.trim() === 'all',
    logEnable: boolValue(config, 'errors.log.enable'),
    logIncludeMessages: boolValue(config, 'errors.log.include.messages'),
    dlqTopic: (config['errors.deadletterqueue.topic.name'] ?? '').trim(),
    dlqReplicationFactor: intValue(config, 'errors.deadletterqueue.topic.replication.factor', 3),
    dlqContextHeaders: boolValue(config, 'errors.deadletterqueue.context.headers.enable'),
  };
}

/** Kafka's RetryWithToleranceOperator: the first retry waits 300 ms, doubling up to the max delay. */
export const RETRY_DELAY_MIN_MS = 300;

/**
 * The wait before retry `attempt` (1-based), or null when the retry budget that started at
 * `startedAt` is spent. Never waits past the deadline.
 */
export function retryDelay(config: ErrorHandlingConfig, attempt: number, startedAt: number, now: number): number | null {
  const { retryTimeoutMs, retryDelayMaxMs } = config;
  if (retryTimeoutMs === 0) return null;
  const base = Math.min(RETRY_DELAY_MIN_MS * 2 ** Math.min(attempt - 1, 30), Math.max(retryDelayMaxMs, 0));
  if (retryTimeoutMs < 0) return base;
  const remaining = startedAt + retryTimeoutMs - now;
  if (remaining <= 0) return null;
  return Math.min(base, remaining);
}

export function isRetriable(error: unknown): boolean {
  return error instanceof RetriableError;
}

/** What a record's failed stage needs to be retried and then tolerated (or not). */
export interface RecoveryContext {
  readonly errors: ErrorReporter;
  readonly clock: Clock;
  readonly metrics: Pick<SinkTaskMetrics, 'retried'>;
  /** aborted on stop or failure: a retry backoff ends */
  readonly halt: AbortSignal;
  /** fails the task (a failed error report) */
  readonly fail: (error: unknown) => void;
}

/** A stage's failure on one record: the error, and what to report about it when it is not retried away. */
export interface StageFailure {
  readonly cause: unknown;
}

/**
 * Kafka's RetryWithToleranceOperator for one record whose stage failed: re-runs `attempt` (given the last
 * failure, to resume where it happened) while that failure is retriable and errors.retry.* allow (backing off, ended by `halt`), then lets
 * errors.tolerance decide through `report`. Resolves with what the attempt gave once it succeeds,
 * undefined once the record was reported (skipped, dead-lettered), null when the task failed or stops.
 */
export async function retryThenTolerate<T, F extends StageFailure>(
  failure: F,
  attempt: (last: F) => T | Promise<T>,
  isFailure: (error: unknown) => error is F,
  report: (last: F, cause: Error) => Promise<void>,
  context: RecoveryContext,
): Promise<T | undefined | null> {
  const { clock, errors } = context;
  const startedAt = clock.now();
  let last = failure;
  for (let n = 1; isRetriable(last.cause); n++) {
    const delay = retryDelay(errors.config, n, startedAt, clock.now());
    if (delay === null) break;
    context.metrics.retried();
    await clock.sleep(delay, context.halt);
    if (context.halt.aborted) return null;
    try {
      return await attempt(last);
    } catch (error) {
      if (!isFailure(error)) throw error;
      last = error;
    }
  }
  const cause = last.cause instanceof Error ? last.cause : new Error(String(last.cause));
  try {
    await report(last, cause);
    return undefined;
  } catch (error) {
    context.fail(error);
    return null;
  }
}

/** A Java `printStackTrace`-like text: `Name: message`, the `at` lines, then each `Caused by: …`. */
export function formatTrace(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 20) {
    seen.add(current);
    parts.push(stackText(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\nCaused by: ');
}

function stackText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  const stack = typeof error.stack === 'string' ? error.stack : '';
  const firstFrame = stack.indexOf('\n    at ');
  return firstFrame < 0 ? header : header + stack.slice(firstFrame);
}

export type { ConsumedRecord } from './consumed-records.js';

/** One failure of one record: Kafka's ProcessingContext. */
export interface ProcessingContext {
  readonly record: ConsumedRecord;
  readonly stage: Stage;
  /** class name of the converter or task that failed */
  readonly executingClass: string;
  readonly error: Error;
}

/** The task stops: the record could not be processed and `errors.tolerance` is `none`. */
export class ToleranceExceededError extends ConnectError {
  constructor(context: ProcessingContext) {
    const { record, stage, executingClass } = context;
    super(
      `Tolerance exceeded in error handler while executing stage '${stage}' with class '${executingClass}' ` +
        `on the record topic='${record.topic}', partition=${record.kafkaPartition}, offset=${record.kafkaOffset}: ` +
        context.error.message,
      { cause: context.error },
    );
    this.name = 'ToleranceExceededError';
  }
}

/** Sends one message to the dead-letter topic; resolves once the broker acknowledged it (acks=all). */
export interface DeadLetterQueueProducer {
  send(message: { key: Uint8Array | null; value: Uint8Array | null; headers: readonly Header[]; timestamp: number | null }): Promise<void>;
}

export const DLQ_HEADER_PREFIX = '__connect.errors.';

const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array => encoder.encode(text);

/**
 * The DLQ record's headers: the original headers, then (when enabled) Kafka's `__connect.errors.*`
 * context headers, names and value formats as in Kafka's DeadLetterQueueReporter.
 */
export function deadLetterHeaders(context: ProcessingContext, id: ConnectorTaskId, withContext: boolean): Header[] {
  const headers: Header[] = [...context.record.headers];
  if (!withContext) return headers;
  const add = (name: string, value: string): void => {
    headers.push({ key: DLQ_HEADER_PREFIX + name, value: utf8(value) });
  };
  const { record, error } = context;
  add('topic', record.topic);
  add('partition', String(record.kafkaPartition));
  add('offset', String(record.kafkaOffset));
  add('connector.name', id.connector);
  add('task.id', String(id.task));
  add('stage', context.stage);
  add('class.name', context.executingClass);
  add('exception.class.name', error.name);
  if (error.message) add('exception.message', error.message);
  add('exception.stacktrace', formatTrace(error));
  return headers;
}

function renderBytes(bytes: Uint8Array | null): string {
  return bytes === null ? 'null' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Kafka's LogReporter message, always with the record's coordinates; key and value only when asked. */
export function errorLogMessage(context: ProcessingContext, id: ConnectorTaskId, includeMessages: boolean): string {
  const { record } = context;
  let text =
    `Error encountered in task ${id.connector}-${id.task}. Executing stage '${context.stage}' with class ` +
    `'${context.executingClass}', where consumed record is {topic='${record.topic}', partition=${record.kafkaPartition}, ` +
    `offset=${record.kafkaOffset}`;
  if (record.timestamp !== null) text += `, timestamp=${record.timestamp}`;
  if (includeMessages) text += `, key=${renderBytes(record.rawKey)}, value=${renderBytes(record.rawValue)}`;
  return `${text}}.`;
}

export interface ErrorReporterOptions {
  readonly id: ConnectorTaskId;
  readonly config: ErrorHandlingConfig;
  /** the `org.apache.kafka.connect.runtime.errors.LogReporter` logger */
  readonly logger: Logger;
  /** present when `errors.deadletterqueue.topic.name` is set */
  readonly dlq?: DeadLetterQueueProducer;
  /** Kafka's task-error-metrics: record errors, skips, logged errors, DLQ writes */
  readonly metrics?: Pick<SinkTaskMetrics, 'recordError' | 'deadLetterProduced'>;
}

/**
 * Applies `errors.tolerance` to one failed record (Kafka's RetryWithToleranceOperator after retries,
 * plus its LogReporter and DeadLetterQueueReporter).
 */
export class ErrorReporter {
  readonly #options: ErrorReporterOptions;

  constructor(options: ErrorReporterOptions) {
    this.#options = options;
  }

  get config(): ErrorHandlingConfig {
    return this.#options.config;
  }

  /**
   * Whether a report uses the record's original key and value bytes: only the dead-letter queue and
   * the error log with errors.log.include.messages do, and only with errors.tolerance=all.
   */
  get usesOriginalBytes(): boolean {
    const { config, dlq } = this.#options;
    return config.toleranceAll && (dlq !== undefined || (config.logEnable && config.logIncludeMessages));
  }

  /**
   * With `errors.tolerance=none` rejects with ToleranceExceededError (the task must fail). With `all`
   * logs when `errors.log.enable`, writes the raw record to the DLQ and resolves once the broker
   * acknowledged it; a failed DLQ write rejects, because the record would otherwise be lost.
   */
  async report(context: ProcessingContext): Promise<void> {
    const { config, id, logger, dlq, metrics } = this.#options;
    const logged = config.toleranceAll && config.logEnable;
    if (!config.toleranceAll) {
      metrics?.recordError({ skipped: false, logged: false });
      throw new ToleranceExceededError(context);
    }
    if (logged) logger.error({ err: context.error }, errorLogMessage(context, id, config.logIncludeMessages));
    if (dlq === undefined) return metrics?.recordError({ skipped: true, logged });
    const { record } = context;
    try {
      await dlq.send({
        key: record.rawKey,
        value: record.rawValue,
        headers: deadLetterHeaders(context, id, config.dlqContextHeaders),
        timestamp: record.timestamp,
      });
    } catch (error) {
      metrics?.recordError({ skipped: false, logged });
      metrics?.deadLetterProduced(false);
      throw new ConnectError(
        `Could not produce the record topic='${record.topic}', partition=${record.kafkaPartition}, ` +
          `offset=${record.kafkaOffset} to the dead letter queue topic '${config.dlqTopic}'`,
        { cause: error },
      );
    }
    metrics?.recordError({ skipped: true, logged });
    metrics?.deadLetterProduced(true);
  }
}

/**
 * The reporter a sink task gets (Kafka's WorkerErrantRecordReporter): each report runs through the
 * ErrorReporter and is remembered until it settled, so that no offset past an errant record is
 * committed before its DLQ write was acknowledged.
 */
export class ErrantRecordTracker {
  readonly #pending = new Set<Promise<void>>();
  #failure: unknown = null;

  constructor(reporter: ErrorReporter, taskClassName: string) {
    this.report = (record, error) => {
      // a record the transformations changed is reported as it was consumed (Kafka's InternalSinkRecord)
      const consumed = consumedRecordOf(record);
      const tracked = reporter.report({ record: consumed, stage: Stage.TASK_PUT, executingClass: taskClassName, error }).catch((failure: unknown) => {
        this.#failure ??= failure;
        throw failure;
      });
      this.#pending.add(tracked);
      const forget = (): void => void this.#pending.delete(tracked);
      tracked.then(forget, forget);
      return tracked;
    };
  }

  readonly report: ErrantRecordReporter;

  /** The first report that failed (tolerance exceeded, DLQ write failed), even if the task swallowed it. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Waits for every report made so far; resolves with the first failure, or null. */
  async settled(): Promise<unknown> {
    await Promise.allSettled([...this.#pending]);
    return this.#failure;
  }
}
