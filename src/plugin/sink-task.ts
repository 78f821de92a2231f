import type { SinkRecord, TopicPartition } from './sink-record.js';

/** Offsets per `${topic}-${partition}` key: the next offset to consume (what Kafka commits). */
export type OffsetMap = Map<string, { topic: string; partition: number; offset: number }>;

/**
 * Reports a record that cannot be processed (Kafka's ErrantRecordReporter). The framework applies
 * `errors.tolerance`: with `none` the returned promise rejects and the task must fail; with `all` the
 * record is logged / dead-lettered and the promise resolves once that is durable, after which the
 * record counts as done for offset commits.
 */
export type ErrantRecordReporter = (record: SinkRecord, error: Error) => Promise<void>;

export interface SinkTaskContext {
  /** Connector name and task id, for logs and metrics. */
  readonly connector: string;
  readonly taskId: number;
  readonly errantRecordReporter: ErrantRecordReporter;
  /** Stop fetching from these partitions (backpressure); records already handed over stay valid. */
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Partitions currently assigned to this task. */
  assignment(): readonly TopicPartition[];
  /** Ask the framework to call preCommit and commit soon (e.g. after a batch was acknowledged). */
  requestCommit(): void;
  /** A child logger tagged with connector and task; never log secrets through it. */
  readonly logger: PluginLogger;
}

export interface PluginLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/**
 * Kafka's SinkTask. The framework calls, for one task and never concurrently:
 * start → (open → put* → preCommit* → close)* → stop.
 */
export interface SinkTask {
  version(): string;
  /** Connects to the external system; throwing here fails the task with the error's trace. */
  start(props: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void>;
  /** Partitions newly assigned to this task. */
  open(partitions: readonly TopicPartition[]): Promise<void>;
  /**
   * Hands over converted records in offset order per partition. May buffer; may await to apply
   * backpressure. Throws RetriableError for transient trouble, anything else to fail the task.
   * Bad records go through `context.errantRecordReporter`, never dropped silently.
   */
  put(records: readonly SinkRecord[]): Promise<void>;
  /**
   * `currentOffsets` are the next offsets after everything handed to put(). Returns the offsets that
   * are safe to commit: every record before them was written, or reported as errant and dead-lettered.
   * Invariant: never return an offset past a record that is not yet durable in the external system.
   */
  preCommit(currentOffsets: OffsetMap): Promise<OffsetMap>;
  /**
   * Optional (Kafka's SinkTask.flush): write what is buffered and wait for it, within the task's own
   * bound. Called before the commit that precedes close() and before the commits at stop, so that what
   * the task can still write is committed instead of delivered again; never on the periodic commits,
   * where waiting would stall the task.
   */
  flush?(): Promise<void>;
  /** Partitions being revoked; finish or abandon their in-flight work (preCommit is called first). */
  close(partitions: readonly TopicPartition[]): Promise<void>;
  /** Releases resources; after stop() no call is made to the external system. */
  stop(): Promise<void>;
}
