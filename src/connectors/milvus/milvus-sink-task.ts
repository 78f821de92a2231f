import {
  ConnectError,
  DataError,
  type OffsetMap,
  type PluginLogger,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  originalPartitionKey,
  topicPartitionKey,
} from '../../plugin/index.js';
import { deriveCollectionFields } from './rows/auto-create-schema.js';
import { deleteOp, writeOp } from './write/sink-op-batch.js';
import { BatchDispatcher } from './write/batch-dispatcher.js';
import { BatchDelivery } from './write/batch-delivery.js';
import { collectionSchemaFromDescribe, type CollectionSchemaView, type DescribedCollection } from './rows/collection-schema.js';
import { checkDatabase, createCollection, prepareCollection, type CollectionTarget } from './client/collection-setup.js';
import { Backpressure } from './write/backpressure.js';
import { FlowControl } from './write/flow-control.js';
import { isUnreachable, normaliseEndpoint } from './client/milvus-client.js';
import { scrub, scrubbedError } from './client/secret-scrubber.js';
import { parseMilvusSinkConfig, type MilvusSinkConfig } from './milvus-sink-config.js';
import { MilvusCollection } from './client/milvus-collection.js';
import { OffsetTracker } from './write/offset-tracker.js';
import {
  prepareRowMapping,
  primaryKeyFromRecordKey,
  recordCoordinates,
  recordToRow,
  resolveWriteOperation,
  type RecordToRowOptions,
} from './rows/record-to-row.js';
import type { RetryOptions } from './write/retry-policy.js';
import { estimateRowBytes } from './rows/row-size.js';
import { sharedMilvusClients, type MilvusLease } from './client/shared-clients.js';
import { milvusSinkMetrics, type MilvusSinkMetrics } from './sink-metrics.js';
import { CONNECTOR_VERSION } from './version.js';
import { CollectionRouter } from './collection-router.js';
import { abortableSleep } from './write/abortable-sleep.js';

/** The wait between attempts to reach a Milvus that did not answer at start: 1 s, doubling to 10 s. */
const MILVUS_WAIT_MIN_MS = 1_000;
/** low enough that a task writes within seconds of Milvus coming back */
const MILVUS_WAIT_MAX_MS = 10_000;
/** stop() and close() let in-flight requests finish for this long (Kafka's task.shutdown.graceful.timeout.ms). */
const DRAIN_WAIT_MS = 5_000;
/**
 * put() waits at most this long for a request to make room before consumption pauses instead
 * (Backpressure): longer than a request takes at small batch sizes, where a pause costs the most.
 */
const PUT_WAIT_MS = 1_000;
/**
 * After consumption resumes from a backlog, a freed request slot waits this long at most for the open
 * batch to fill (BatchDispatcher.upstreamBacklog). Refilling a 1,000-row batch of 768-dim JSON records takes a
 * few fetches (~0.1-0.3 s here); a topic that has run dry costs its last partial batch this much once.
 */
const REFILL_WAIT_MS = 1_000;

/**
 * What the task keeps per target collection: its door to Milvus, its schema and how rows are built for
 * it (both known once the collection exists), its counters, and the delivery of its batches.
 */
interface Route {
  readonly name: string;
  readonly collection: MilvusCollection;
  readonly metrics: MilvusSinkMetrics;
  readonly delivery: BatchDelivery;
  schema: CollectionSchemaView | undefined;
  rowOptions: RecordToRowOptions | undefined;
  /** settles once the collection was checked: loaded and described, or missing and left to auto.create */
  readonly ready: Promise<void>;
}

/**
 * The Milvus sink task. put() routes each record to its collection (CollectionRouter), maps it to a row
 * and hands it to the dispatcher, which writes it asynchronously (bounded batches of one collection each,
 * several requests in flight, retries, bisecting bad batches). Collections known from the config are
 * checked at start, as the original checked its one collection; one named after a topic when the topic's
 * first record arrives. Failures of the background work surface from the next put() or preCommit().
 *
 * Invariant: preCommit() returns, per partition, no offset past a record that is not yet durable in
 * Milvus (written, deleted, deliberately skipped, or reported errant with the report resolved), whichever
 * collection each record of the partition went to.
 */
export class MilvusSinkTask implements SinkTask {
  #context!: SinkTaskContext;
  #log!: PluginLogger;
  #config!: MilvusSinkConfig;
  #lease: MilvusLease | undefined;
  #router!: CollectionRouter;
  /** by collection name; a route whose check failed is dropped, so the next attempt checks again */
  readonly #routes = new Map<string, Route>();
  #dispatcher: BatchDispatcher | undefined;
  #flow!: FlowControl;
  #metrics!: MilvusSinkMetrics;
  readonly #tracker = new OffsetTracker();
  #failure: Error | undefined;
  #backpressure: Backpressure | undefined;
  #signalStop!: () => void;
  #props: Readonly<Record<string, string>> = {};
  /** set while Milvus is unreachable and the task waits for it (#waitForMilvus) */
  #waiting: Promise<void> | undefined;
  /** put() holds its records instead of mapping them: no connection yet, or the held ones still go first */
  #awaitingMilvus = false;
  /** records put() received while waiting, not yet mapped to rows */
  readonly #held: SinkRecord[] = [];
  readonly #stopping = new AbortController();
  readonly #stopped = new Promise<void>((resolve) => (this.#signalStop = resolve));

  version(): string {
    return CONNECTOR_VERSION;
  }

  async start(props: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void> {
    this.#context = context;
    this.#log = context.logger;
    const config = parseMilvusSinkConfig(props);
    if (config.endpoint.trim() === '') throw new ConnectError('public.endpoint is empty: set it to the Milvus address, e.g. http://localhost:19530');
    if (config.collectionName.trim() === '' && config.topicToCollection.size === 0) {
      throw new ConnectError('collection.name is empty: set it to the collection the records go to (or map topics in topic.to.collection)');
    }
    this.#config = config;
    this.#router = new CollectionRouter(config);
    this.#metrics = milvusSinkMetrics(context.connector);
    this.#flow = new FlowControl(context);
    const { address, ssl } = normaliseEndpoint(config.endpoint);
    this.#log.info(
      { address, tls: ssl, database: config.databaseName, collection: config.collectionName, topicToCollection: Object.fromEntries(config.topicToCollection) },
      'Starting Milvus sink task',
    );

    this.#props = props;
    try {
      await this.#connect();
    } catch (error) {
      // a definitive answer (collection missing, not loaded, authentication refused) fails the start
      // as in the original; only an unreachable Milvus is waited for
      if (!isUnreachable(error)) throw scrubbedError(error, config.token?.value);
      this.#waitForMilvus(error);
    }
  }

  /** Connects, checks and prepares the collections the config names, reads their schemas and starts writing; releases the client when a step fails. */
  async #connect(): Promise<void> {
    const config = this.#config;
    this.#lease = await sharedMilvusClients.acquire({
      endpoint: config.endpoint,
      token: config.token?.value,
      // Milvus Lite has no database API; the default database needs none
      database: config.databaseName === 'default' ? undefined : config.databaseName,
      timeoutMs: config.timeoutMs,
      tlsCaPath: config.tlsCaPath,
      tlsSkipVerify: config.tlsSkipVerify,
    });
    try {
      await checkDatabase(this.#target(config.collectionName));
      for (const name of this.#router.staticCollections()) await this.#route(name);
    } catch (error) {
      this.#routes.clear();
      await this.#releaseClient();
      throw error;
    }
    this.#startBatcher();
    const modes = Object.fromEntries([...this.#routes.values()].map((r) => [r.name, r.rowOptions?.operation ?? 'pending auto.create']));
    this.#log.info({ collections: modes, templated: this.#router.templated }, 'Milvus sink task started');
  }

  /** The route to a collection, checked on first use (and auto.create left pending when it does not exist yet). */
  async #route(name: string): Promise<Route> {
    let route = this.#routes.get(name);
    if (!route) {
      route = this.#newRoute(name);
      this.#routes.set(name, route);
    }
    try {
      await route.ready;
    } catch (error) {
      if (this.#routes.get(name) === route) this.#routes.delete(name);
      throw error;
    }
    return route;
  }

  #newRoute(name: string): Route {
    const config = this.#config;
    const metrics = this.#metrics.collection(name);
    const collection = new MilvusCollection({
      client: this.#lease!.client,
      collection: name,
      mode: 'upsert',
      timeoutMs: config.timeoutMs,
      onSchema: (described) => this.#useSchema(route, described),
      logger: this.#log,
    });
    const ready = (async () => {
      const state = await prepareCollection(this.#target(name), config);
      if (state === 'ready') await collection.describe();
    })();
    const route: Route = { name, collection, metrics, delivery: this.#delivery(collection, metrics), schema: undefined, rowOptions: undefined, ready };
    return route;
  }

  /**
   * Milvus did not answer at start: the task stays RUNNING and tries again with a capped backoff
   * (MILVUS_WAIT_MIN_MS doubling to MILVUS_WAIT_MAX_MS), for as long as it takes; errors.retry.timeout
   * bounds retries of put(), not this wait, since a task that gave up would stay FAILED after Milvus
   * came back. Consumption stays paused meanwhile; records fetched before the pause took effect are
   * held (never committed: the offset tracker has them pending) and written in order once connected.
   * A definitive answer on a later attempt fails the task from the next put() or preCommit().
   */
  #waitForMilvus(first: unknown): void {
    const { address } = normaliseEndpoint(this.#config.endpoint);
    this.#awaitingMilvus = true;
    this.#flow.waitingForMilvus(true);
    this.#metrics.tasksWaitingForMilvus += 1;
    const waiting = (async () => {
      let error = first;
      for (let attempt = 1; !this.#stopping.signal.aborted; attempt++) {
        const delayMs = Math.min(MILVUS_WAIT_MIN_MS * 2 ** (attempt - 1), MILVUS_WAIT_MAX_MS);
        this.#metrics.milvusConnectAttempts += 1;
        this.#log.warn(
          { address, attempt, delayMs, err: scrubbedError(error, this.#config.token?.value) },
          `Waiting for Milvus at ${address}: it did not answer; trying again in ${delayMs} ms`,
        );
        await abortableSleep(delayMs, this.#stopping.signal);
        if (this.#stopping.signal.aborted) return;
        try {
          await this.#connect();
        } catch (next) {
          if (!isUnreachable(next)) throw next;
          error = next;
          continue;
        }
        if (this.#stopping.signal.aborted) return;
        await this.#acceptHeld();
        this.#log.info({ address, attempts: attempt + 1 }, `Milvus at ${address} answered; writing`);
        return;
      }
    })();
    this.#waiting = waiting
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#waiting = undefined;
        this.#metrics.tasksWaitingForMilvus -= 1;
        this.#flow.waitingForMilvus(false);
      });
  }

  /** The records put() held while Milvus was unreachable, in the order they came; put() may add more meanwhile. */
  async #acceptHeld(): Promise<void> {
    while (this.#held.length > 0) await this.#accept(this.#held.shift()!);
    // in the same turn as the last check above: from here on put() maps its records itself
    this.#awaitingMilvus = false;
    await this.#backpressure!.afterPut();
  }

  async open(partitions: readonly TopicPartition[]): Promise<void> {
    this.#flow.opened(partitions);
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    this.#throwIfFailed();
    for (const record of records) {
      // offsets are those of the consumed record, whatever a RegexRouter made of its topic
      this.#tracker.track(record.originalTopic, record.originalKafkaPartition, record.originalKafkaOffset);
      if (this.#awaitingMilvus) this.#held.push(record);
      else await this.#accept(record);
    }
    if (this.#awaitingMilvus) return;
    await this.#backpressure!.afterPut();
    this.#throwIfFailed();
  }

  /**
   * The offsets after every record Milvus acknowledged (or that was dead-lettered), as the offset
   * tracker knows them; nothing is sent or awaited here. Sending the partial batch and waiting for the
   * requests in flight, as Kafka's default preCommit (flush) would, stalls the task every
   * offset.flush.interval.ms: the worker makes no put() call until preCommit returns, so the pipeline
   * drains, restarts with partial batches, and Milvus answers small requests at its highest cost per
   * row. A 200,000-record backfill ran at ~700 rows/s that way. Batches go out when full, after
   * batch.linger.ms, or on flush() (before the commits at close and stop).
   */
  async preCommit(currentOffsets: OffsetMap): Promise<OffsetMap> {
    this.#throwIfFailed();
    return this.#tracker.committable(currentOffsets);
  }

  /**
   * Sends the partial batch and waits (at most `timeoutMs`) until everything handed to put() is
   * written, dead-lettered or has failed the task; rejects with the failure.
   */
  async flush(timeoutMs = DRAIN_WAIT_MS): Promise<void> {
    await this.#sendAndWait(timeoutMs);
    this.#throwIfFailed();
  }

  async close(partitions: readonly TopicPartition[]): Promise<void> {
    // held records of a revoked partition are not committed: its next owner fetches them again
    const revoked = new Set(partitions.map((tp) => topicPartitionKey(tp.topic, tp.partition)));
    const kept = this.#held.filter((r) => !revoked.has(originalPartitionKey(r)));
    this.#held.splice(0, this.#held.length, ...kept);
    await this.#sendAndWait(DRAIN_WAIT_MS);
    this.#tracker.forget(partitions);
  }

  async stop(): Promise<void> {
    this.#log?.info({ collection: this.#config?.collectionName }, 'Stopping Milvus sink task');
    this.#stopping.abort();
    await this.#waiting;
    await this.#sendAndWait(DRAIN_WAIT_MS);
    this.#dispatcher?.close();
    this.#signalStop();
    await this.#releaseClient();
    this.#log?.info({ collection: this.#config?.collectionName }, 'Milvus sink task stopped');
  }

  /** Sends the partial batch now and waits, at most `timeoutMs`, until nothing is buffered or in flight. */
  async #sendAndWait(timeoutMs: number): Promise<void> {
    if (!this.#dispatcher) return;
    this.#dispatcher.flush();
    await waitAtMost(this.#dispatcher.whenIdle(), timeoutMs);
  }

  /** Tasks of a connector share one client (shared-clients.ts); the last one to stop closes it. */
  async #releaseClient(): Promise<void> {
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.release();
  }

  #target(collection: string): CollectionTarget {
    const config = this.#config;
    return { client: this.#lease!.client, collection, database: config.databaseName, timeoutMs: config.timeoutMs, logger: this.#log };
  }

  /** Every describe result (start, auto.create, SchemaMismatch) re-derives how rows are built and sent to that collection. */
  #useSchema(route: Route, described: DescribedCollection): void {
    const schema = collectionSchemaFromDescribe(described);
    const config = this.#config;
    const options: RecordToRowOptions = {
      operation: resolveWriteOperation(config.writeMode, schema),
      dynamicFields: config.dynamicFields,
      pkMode: config.pkMode,
      jsonParseStrings: config.jsonParseStrings,
    };
    prepareRowMapping(schema, options);
    route.schema = schema;
    route.rowOptions = options;
    route.collection.mode = options.operation;
  }

  /** How the batches of one collection are written; its counters carry the collection. */
  #delivery(sink: MilvusCollection, metrics: MilvusSinkMetrics): BatchDelivery {
    return new BatchDelivery({
      sink,
      retry: retryOptions(this.#config, this.#props),
      hooks: {
        onRetryStart: () => this.#flow.retryStarted(),
        onRetryEnd: () => this.#flow.retryEnded(),
        onRetry: (error, attempt, delayMs) => {
          metrics.retries += 1;
          metrics.recordErrorCode(error.code);
          this.#log.warn({ code: error.code, attempt, delayMs }, `${scrub(error.message, this.#config.token?.value)}; retrying`);
        },
        stopped: this.#stopped,
      },
      report: (record, error) => this.#context.errantRecordReporter(record, error),
      finished: (op) => this.#tracker.done(op.record.originalTopic, op.record.originalKafkaPartition, op.record.originalKafkaOffset),
      metrics,
      logger: this.#log,
    });
  }

  #startBatcher(): void {
    const config = this.#config;
    const dispatcher = new BatchDispatcher(
      {
        maxRows: config.batchMaxRows,
        maxBytes: config.batchMaxBytes,
        lingerMs: config.batchLingerMs,
        maxInFlight: config.maxInFlightRequests,
        // insert does not replace, so a write and a delete of one key must not merge
        mixedKinds: (collection) => this.#routes.get(collection)?.rowOptions?.operation !== 'insert',
        refillWaitMs: REFILL_WAIT_MS,
      },
      // a batch holds operations of one collection, whose route exists since its first record was accepted
      (batch) => this.#routes.get(batch.collection)!.delivery.execute(batch),
      (error) => this.#fail(error),
    );
    this.#dispatcher = dispatcher;
    // enough to keep every in-flight slot busy with a full batch filling behind them: with less, a slot
    // that frees finds only a partial batch and sends it, and small requests cost Milvus the most per row
    // (a 200,000-record backfill fell from ~2,600 to 678 rows/s with the mark at the in-flight rows alone)
    const highWater = config.batchMaxRows * (config.maxInFlightRequests + 1);
    this.#backpressure = new Backpressure(
      dispatcher,
      {
        highWater,
        // as soon as a finished request made room for most of a batch: the next batch then fills while
        // the others are in flight. Resuming later (at half the mark) left a slot free with only a partial
        // batch to send: requests of ~500-670 rows instead of 1,000 in a 200,000-record backfill.
        resumeAt: highWater - Math.ceil(config.batchMaxRows / 2),
        maxWaitMs: PUT_WAIT_MS,
      },
      // the consumer stops (or resumes) fetching, and the dispatcher knows whether records wait upstream
      (backlogged) => {
        this.#flow.backlogged(backlogged);
        dispatcher.upstreamBacklog(backlogged);
      },
    );
  }

  async #accept(record: SinkRecord): Promise<void> {
    // the record's topic, as transforms left it: a RegexRouter renaming it changes the collection too
    const route = await this.#route(this.#router.collectionFor(record.topic));
    if (record.value === null || record.value === undefined) return this.#tombstone(record, route);
    if (!route.schema && !(await this.#createCollectionFrom(record, route))) return;
    const schema = route.schema!;
    let row: Record<string, unknown>;
    try {
      row = recordToRow(record, schema, route.rowOptions!);
    } catch (error) {
      if (error instanceof DataError) return this.#reportErrant(record, error, route);
      throw error;
    }
    const pk = row[schema.primaryField.name];
    this.#dispatcher!.add(writeOp(route.name, record, row, pk === undefined ? undefined : String(pk), estimateRowBytes(row, schema)));
  }

  async #tombstone(record: SinkRecord, route: Route): Promise<void> {
    if (!this.#config.deleteEnabled || !route.schema) {
      // with no collection yet (auto.create pending) there is nothing to delete either
      route.metrics.recordsSkipped += 1;
      this.#log.debug(
        { record: recordCoordinates(record), collection: route.name },
        route.schema ? 'Skipping tombstone (delete.enabled=false)' : 'Skipping tombstone: no collection yet',
      );
      this.#tracker.done(record.originalTopic, record.originalKafkaPartition, record.originalKafkaOffset);
      return;
    }
    let pk: number | string;
    try {
      pk = primaryKeyFromRecordKey(record, route.schema);
    } catch (error) {
      if (error instanceof DataError) return this.#reportErrant(record, error, route);
      throw error;
    }
    this.#dispatcher!.add(deleteOp(route.name, record, pk, 16 + String(pk).length));
  }

  /** auto.create: the first record that can define the collection creates it; unusable ones are errant. */
  async #createCollectionFrom(record: SinkRecord, route: Route): Promise<boolean> {
    const config = this.#config;
    let derived;
    try {
      derived = deriveCollectionFields(record, { pkField: config.autoCreatePkField, vectorField: config.autoCreateVectorField, pkMode: config.pkMode });
    } catch (error) {
      if (error instanceof DataError) {
        await this.#reportErrant(record, error, route);
        return false;
      }
      throw error;
    }
    try {
      await createCollection(this.#target(route.name), {
        fields: derived.fields,
        vectorField: config.autoCreateVectorField,
        indexType: config.autoCreateIndex,
        metric: config.autoCreateMetric,
      });
      await route.collection.describe();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConnectError(`auto.create of collection ${route.name} failed: ${reason}`, { cause: error });
    }
    if (derived.skipped.length > 0) {
      this.#log.info(
        { collection: route.name, fields: derived.skipped },
        'Fields of the first record without a column in the created collection (dynamic.fields decides what happens to them)',
      );
    }
    return true;
  }

  async #reportErrant(record: SinkRecord, error: DataError, route: Route): Promise<void> {
    try {
      await this.#context.errantRecordReporter(record, error);
    } catch (rejection) {
      throw new ConnectError(error.message, { cause: rejection });
    }
    route.metrics.recordsDeadLettered += 1;
    this.#log.debug({ record: recordCoordinates(record), collection: route.name }, 'Record reported as errant');
    this.#tracker.done(record.originalTopic, record.originalKafkaPartition, record.originalKafkaOffset);
  }

  /** The task's failure as its status trace will show it: without the token, should Milvus have echoed it. */
  #fail(error: unknown): void {
    const scrubbed = scrubbedError(error, this.#config.token?.value);
    this.#failure ??= scrubbed instanceof Error ? scrubbed : new ConnectError(String(scrubbed));
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }
}

/**
 * Transient Milvus failures are retried up to max.retries times; errors.retry.timeout, when set (> 0, or
 * -1 for no limit), bounds the total time, and errors.retry.delay.max.ms caps each wait. Kafka's default
 * errors.retry.timeout=0 ("no retries" for converters and transforms) does not switch these retries off.
 */
export function retryOptions(config: MilvusSinkConfig, props: Readonly<Record<string, string>>): RetryOptions {
  const timeout = Number(props['errors.retry.timeout'] ?? 0);
  const delayMax = Number(props['errors.retry.delay.max.ms']);
  return {
    initialDelayMs: config.retryBackoffMs,
    maxDelayMs: Number.isFinite(delayMax) && delayMax >= 0 ? Math.min(config.retryBackoffMaxMs, delayMax) : config.retryBackoffMaxMs,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : -1,
    maxRetries: config.maxRetries,
  };
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
