import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import {
  DataError,
  RetriableError,
  type OffsetMap,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
} from '../../../src/plugin/index.js';
import type { Clock } from '../../../src/runtime/clock.js';
import { ErrorReporter, errorHandlingConfig, type DeadLetterQueueProducer } from '../../../src/runtime/worker/error-handling.js';
import type { BatchControl, RawMessage, SinkConsumer, SinkConsumerHandler } from '../../../src/runtime/kafka/sink-consumer.js';
import type { SinkTaskMetrics } from '../../../src/runtime/metrics.js';
import { State, TargetState, type ConnectorTaskId, type StatusListener } from '../../../src/runtime/status/status.js';
import { WorkerSinkTask } from '../../../src/runtime/worker/worker-sink-task.js';

// ---- fakes at the seams: time, the Kafka consumer, the plugin task ---------------------------------

/** Time moves only when the test says so; timers fire in order, with the promises they wake settled. */
class ManualClock implements Clock {
  #now = 0;
  #timers: Array<{ at: number; fn: () => void; every?: number }> = [];
  readonly sleeps: number[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = { at: this.#now + ms, fn: () => resolve() };
      this.#timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      });
    });
  }

  every(ms: number, fn: () => void): () => void {
    const timer = { at: this.#now + ms, fn, every: ms };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#now = due.at;
      if (due.every) due.at += due.every;
      else this.#timers = this.#timers.filter((t) => t !== due);
      due.fn();
    }
    this.#now = target;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

const key = (topic: string, partition: number) => `${topic}-${partition}`;

/** An in-memory topic log with consumer positions: unresolved records are fetched again, like kafkajs. */
class FakeConsumer implements SinkConsumer {
  handler!: SinkConsumerHandler;
  readonly logs = new Map<string, RawMessage[]>();
  readonly positions = new Map<string, number>();
  readonly committed = new Map<string, number>();
  readonly commits: string[] = [];
  readonly paused = new Set<string>();
  readonly seeks: string[] = [];
  assignment: TopicPartition[] = [];
  heartbeatOk = true;
  started = false;
  stopped = false;

  async start(handler: SinkConsumerHandler): Promise<void> {
    this.handler = handler;
    this.started = true;
  }

  produce(topic: string, partition: number, ...values: Array<string | null>): void {
    const log = this.logs.get(key(topic, partition)) ?? [];
    for (const value of values) {
      log.push({
        offset: String(log.length),
        timestamp: String(1_700_000_000_000 + log.length),
        key: null,
        value: value === null ? null : Buffer.from(value),
        headers: { trace: Buffer.from('t1') },
      });
    }
    this.logs.set(key(topic, partition), log);
  }

  assign(...partitions: TopicPartition[]): void {
    this.assignment = partitions;
    for (const { topic, partition } of partitions) {
      const k = key(topic, partition);
      if (!this.positions.has(k)) this.positions.set(k, this.committed.get(k) ?? 0);
    }
    this.handler.onAssigned(partitions);
  }

  /** One fetch: a batch for each assigned, unpaused partition that has records past its position. */
  async poll(): Promise<void> {
    for (const { topic, partition } of this.assignment) {
      const k = key(topic, partition);
      if (this.paused.has(k)) continue;
      const messages = (this.logs.get(k) ?? []).slice(this.positions.get(k) ?? 0);
      if (messages.length === 0) continue;
      const control: BatchControl = {
        resolveOffset: (offset) => void this.positions.set(k, Number(offset) + 1),
        heartbeat: async () => this.heartbeatOk,
      };
      await this.handler.onBatch({ topic, partition, messages, highWatermark: String(this.logs.get(k)!.length) }, control);
    }
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.paused.add(key(topic, partition));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.paused.delete(key(topic, partition));
  }

  seek(partition: TopicPartition, offset: number): void {
    this.seeks.push(`${key(partition.topic, partition.partition)}@${offset}`);
    this.positions.set(key(partition.topic, partition.partition), offset);
  }

  async commit(offsets: Iterable<{ topic: string; partition: number; offset: number }>): Promise<void> {
    const list = [...offsets];
    this.commits.push(list.map((o) => `${key(o.topic, o.partition)}=${o.offset}`).join(','));
    for (const o of list) this.committed.set(key(o.topic, o.partition), o.offset);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/** A plugin task that records every call; tests steer put() and preCommit(). */
class RecordingTask implements SinkTask {
  readonly calls: string[] = [];
  readonly puts: SinkRecord[][] = [];
  context!: SinkTaskContext;
  startError: Error | null = null;
  onPut: (records: readonly SinkRecord[]) => Promise<void> = async () => {};
  onPreCommit: (offsets: OffsetMap) => OffsetMap = (offsets) => offsets;
  /** the optional SinkTask.flush; a test that wants one sets it */
  flush?: () => Promise<void>;

  version(): string {
    return '1';
  }
  async start(_props: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void> {
    this.context = context;
    this.calls.push('start');
    if (this.startError) throw this.startError;
  }
  async open(partitions: readonly TopicPartition[]): Promise<void> {
    this.calls.push(`open ${partitions.map((p) => key(p.topic, p.partition)).join(',')}`);
  }
  async put(records: readonly SinkRecord[]): Promise<void> {
    this.calls.push(`put ${records.map((r) => `${key(r.topic, r.kafkaPartition)}@${r.kafkaOffset}`).join(',')}`);
    this.puts.push([...records]);
    await this.onPut(records);
  }
  async preCommit(offsets: OffsetMap): Promise<OffsetMap> {
    this.calls.push(`preCommit ${[...offsets.values()].map((o) => `${key(o.topic, o.partition)}=${o.offset}`).join(',')}`);
    return this.onPreCommit(offsets);
  }
  async close(partitions: readonly TopicPartition[]): Promise<void> {
    this.calls.push(`close ${partitions.map((p) => key(p.topic, p.partition)).join(',')}`);
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
}

/** Bytes → string; the bytes `bad` are not convertible (a DataError, like a JSON syntax error). */
const textConverter = {
  configure() {},
  config: () => {
    throw new Error('unused');
  },
  toConnectData(_topic: string, _headers: unknown, value: Uint8Array | null) {
    if (value === null) return { schema: null, value: null };
    const text = Buffer.from(value).toString();
    if (text === 'bad') throw new DataError("Field 'vector' is not a list of numbers");
    return { schema: null, value: text };
  },
};

const ID: ConnectorTaskId = { connector: 'vectors', task: 0 };
const T0: TopicPartition = { topic: 'embeddings', partition: 0 };
const T1: TopicPartition = { topic: 'embeddings', partition: 1 };

/** Every call a task makes on its metrics, as text. */
function recordingMetrics(): SinkTaskMetrics & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    recordsRead: (n) => void calls.push(`read ${n}`),
    recordsPut: (n, seconds) => void calls.push(`put ${n} in ${seconds}s`),
    retried: () => void calls.push('retried'),
    recordError: ({ skipped, logged }) => void calls.push(`error skipped=${skipped} logged=${logged}`),
    deadLetterProduced: (ok) => void calls.push(`dlq ${ok}`),
    offsetCommit: (seconds, ok) => void calls.push(`commit ${ok} in ${seconds}s`),
    lag: (topic, partition, records) => void calls.push(`lag ${topic}-${partition}=${records}`),
    partitionsClosed: (partitions) => void calls.push(`closed ${[...partitions].map((p) => key(p.topic, p.partition)).join(',')}`),
    close: () => void calls.push('close'),
  };
}

function setup(
  options: { errors?: Record<string, string>; maxPollRecords?: number; initialState?: TargetState; shutdownTimeoutMs?: number; metrics?: SinkTaskMetrics } = {},
) {
  const clock = new ManualClock();
  const consumer = new FakeConsumer();
  const task = new RecordingTask();
  const states: string[] = [];
  const traces: string[] = [];
  const topics: string[] = [];
  const listener: StatusListener = {
    onConnectorState() {},
    onTaskState(_id, state, trace) {
      states.push(state);
      if (trace) traces.push(trace);
    },
    onTopicActive: (_c, topic) => void topics.push(topic),
    onTaskReconfigurationRequested() {},
  };
  const dlqMessages: Array<Parameters<DeadLetterQueueProducer['send']>[0]> = [];
  const dlq: DeadLetterQueueProducer = { send: async (message) => void dlqMessages.push(message) };
  const logLines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  const errorConfig = errorHandlingConfig(options.errors ?? {});
  // as the worker does: a DLQ producer only when a DLQ topic is configured
  const errors = new ErrorReporter({
    id: ID,
    config: errorConfig,
    logger,
    ...(errorConfig.dlqTopic !== '' ? { dlq } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const worker = new WorkerSinkTask({
    id: ID,
    task,
    taskClassName: 'org.example.RecordingTask',
    taskConfig: { topics: 'embeddings' },
    consumer,
    keyConverter: { converter: textConverter, className: 'org.example.TextConverter' },
    valueConverter: { converter: textConverter, className: 'org.example.TextConverter' },
    errors,
    listener,
    logger,
    taskLogger: logger,
    initialState: options.initialState ?? TargetState.STARTED,
    offsetFlushIntervalMs: 10_000,
    offsetFlushTimeoutMs: 5_000,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
    heartbeatIntervalMs: 3_000,
    maxPollRecords: options.maxPollRecords ?? 500,
    topicTracking: true,
    clock,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  return { clock, consumer, task, worker, states, traces, topics, dlqMessages, logLines };
}

async function running(options: Parameters<typeof setup>[0] = {}, ...partitions: TopicPartition[]) {
  const fixture = setup(options);
  assert.equal(await fixture.worker.start(), true);
  await settle();
  fixture.consumer.assign(...(partitions.length ? partitions : [T0]));
  await settle();
  return fixture;
}

// ---- delivery ------------------------------------------------------------------------------------

test('records reach put() in offset order as whole batches, converted, with headers kept', async () => {
  const { consumer, task, states, topics } = await running();
  consumer.produce('embeddings', 0, 'a', 'b', 'c');
  await consumer.poll();
  assert.deepEqual(states, [State.RUNNING]);
  assert.deepEqual(task.calls, ['start', 'open embeddings-0', 'put embeddings-0@0,embeddings-0@1,embeddings-0@2']);
  const [first] = task.puts[0];
  assert.equal(first.value, 'a');
  assert.equal(first.timestamp, 1_700_000_000_000);
  assert.equal(first.headers[0].key, 'trace');
  assert.deepEqual(topics, ['embeddings'], 'the topic is reported active once');
  await consumer.poll();
  assert.equal(task.puts.length, 1, 'delivered records are not delivered again');
});

test('a record keeps its original bytes only when error reporting will read them (DLQ, or logging with include.messages)', async () => {
  const keeps = async (errors: Record<string, string>): Promise<boolean> => {
    const { consumer, task } = await running({ errors });
    consumer.produce('embeddings', 0, 'a');
    await consumer.poll();
    const [record] = task.puts[0];
    assert.equal(record.value, 'a');
    assert.equal(record.headers[0].key, 'trace');
    if (record.rawValue === null) {
      assert.equal(record.rawKey, null);
      // headers are copies, not views that would keep the fetch response alive
      assert.equal(record.headers[0].value?.byteOffset, 0);
      return false;
    }
    assert.equal(Buffer.from(record.rawValue).toString(), 'a');
    return true;
  };
  assert.equal(await keeps({}), false, 'errors.tolerance=none: a failure fails the task, nothing is reported');
  assert.equal(await keeps({ 'errors.tolerance': 'all', 'errors.log.enable': 'true' }), false, 'the log line names the record by its coordinates');
  assert.equal(await keeps({ 'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.log.include.messages': 'true' }), true);
  assert.equal(await keeps({ 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq' }), true);
});

test('max.poll.records bounds how many records one put() receives', async () => {
  const { consumer, task } = await running({ maxPollRecords: 2 });
  consumer.produce('embeddings', 0, 'a', 'b', 'c', 'd', 'e');
  await consumer.poll();
  assert.deepEqual(
    task.puts.map((p) => p.length),
    [2, 2, 1],
  );
});

// ---- offsets -------------------------------------------------------------------------------------

test('offsets are committed every offset.flush.interval.ms, only as far as preCommit allows', async () => {
  const { clock, consumer, task } = await running();
  consumer.produce('embeddings', 0, 'a', 'b', 'c', 'd');
  await consumer.poll();
  assert.deepEqual(consumer.commits, [], 'nothing is committed before the interval');
  // the task has written only the first two records
  task.onPreCommit = (offsets) => new Map([...offsets].map(([k, o]) => [k, { ...o, offset: 2 }]));
  await clock.advance(10_000);
  assert.ok(task.calls.includes('preCommit embeddings-0=4'), 'preCommit receives the offset after the last record put');
  assert.deepEqual(consumer.commits, ['embeddings-0=2']);
  // a task may not commit past what it was given
  task.onPreCommit = (offsets) => new Map([...offsets].map(([k, o]) => [k, { ...o, offset: 99 }]));
  await clock.advance(10_000);
  assert.deepEqual(consumer.commits, ['embeddings-0=2', 'embeddings-0=4']);
  await clock.advance(10_000);
  assert.equal(consumer.commits.length, 2, 'unchanged offsets are not committed again');
});

test('requestCommit() commits without waiting for the interval', async () => {
  const { consumer, task } = await running();
  consumer.produce('embeddings', 0, 'a');
  await consumer.poll();
  task.context.requestCommit();
  await settle();
  assert.deepEqual(consumer.commits, ['embeddings-0=1']);
});

test('a failing preCommit rewinds to the last committed offsets, so the records are delivered again', async () => {
  const { clock, consumer, task } = await running();
  consumer.produce('embeddings', 0, 'a', 'b');
  await consumer.poll();
  task.onPreCommit = () => {
    throw new Error('flush failed');
  };
  await clock.advance(10_000);
  assert.deepEqual(consumer.commits, []);
  assert.deepEqual(consumer.seeks, ['embeddings-0@0']);
  await consumer.poll();
  assert.deepEqual(
    task.puts.map((p) => p.map((r) => r.kafkaOffset)),
    [
      [0, 1],
      [0, 1],
    ],
  );
});

// ---- retries and failures ------------------------------------------------------------------------

test('a RetriableError pauses the partitions, backs off exponentially and redelivers the same records', async () => {
  const { clock, consumer, task, states } = await running({ errors: { 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '1000' } }, T0, T1);
  consumer.produce('embeddings', 0, 'a', 'b');
  let failures = 3;
  task.onPut = async () => {
    if (failures-- > 0) throw new RetriableError('Milvus rate limit');
  };
  const polled = consumer.poll();
  await settle();
  assert.deepEqual([...consumer.paused].sort(), ['embeddings-0', 'embeddings-1'], 'every partition of the task is paused while backing off');
  await clock.advance(300);
  await clock.advance(600);
  await clock.advance(1000);
  await polled;
  assert.deepEqual(
    clock.sleeps.filter((ms) => ms !== 5_000),
    [300, 600, 1000],
    'the delay doubles and is capped by errors.retry.delay.max.ms',
  );
  assert.equal(task.puts.length, 4);
  assert.ok(
    task.puts.every((records) => records.map((r) => r.kafkaOffset).join() === '0,1'),
    'the same records each time',
  );
  assert.deepEqual([...consumer.paused], [], 'resumed after the records were accepted');
  assert.equal(consumer.positions.get('embeddings-0'), 2);
  assert.deepEqual(states, [State.RUNNING]);
});

test('pausing the connector during a backoff ends the retry; the records are delivered after resume', async () => {
  const { clock, worker, consumer, task, states } = await running({ errors: { 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '60000' } });
  consumer.produce('embeddings', 0, 'a');
  let fail = true;
  task.onPut = async () => {
    if (fail) throw new RetriableError('Milvus rate limit');
  };
  const polled = consumer.poll();
  await clock.advance(300);
  await clock.advance(600); // now in a 1200 ms backoff
  worker.transitionTo(TargetState.PAUSED);
  await polled;
  assert.equal(consumer.positions.get('embeddings-0'), 0, 'the records stay unconsumed');
  assert.deepEqual([...consumer.paused], ['embeddings-0'], 'still paused: by the target state now');
  fail = false;
  worker.transitionTo(TargetState.STARTED);
  await consumer.poll();
  assert.equal(task.puts.length, 4);
  assert.equal(consumer.positions.get('embeddings-0'), 1);
  assert.deepEqual(states, [State.RUNNING, State.PAUSED, State.RUNNING]);
});

test('a rebalance noticed during a backoff ends it early and leaves the records to the next generation', async () => {
  const { clock, consumer, task } = await running({ errors: { 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '60000' } });
  consumer.produce('embeddings', 0, 'a');
  task.onPut = async () => {
    throw new RetriableError('Milvus rate limit');
  };
  const polled = consumer.poll();
  await clock.advance(300 + 600 + 1200 + 2400); // now in a 4800 ms backoff
  consumer.heartbeatOk = false;
  await clock.advance(3_000); // the next heartbeat sees the rebalance
  await polled;
  assert.equal(task.puts.length, 5);
  assert.equal(consumer.positions.get('embeddings-0'), 0);
  assert.deepEqual([...consumer.paused], [], 'the retry pause is lifted');
});

test('retries end at errors.retry.timeout: the task fails with the last error as cause', async () => {
  const { clock, consumer, task, states, traces } = await running({ errors: { 'errors.retry.timeout': '1000' } });
  consumer.produce('embeddings', 0, 'a');
  task.onPut = async () => {
    throw new RetriableError('Milvus is unavailable');
  };
  const polled = consumer.poll();
  await clock.advance(5_000);
  await polled;
  assert.deepEqual(states, [State.RUNNING, State.FAILED]);
  assert.match(
    traces[0],
    /^ConnectError: Exiting WorkerSinkTask due to unrecoverable exception\. put\(\) kept failing with retriable errors \(errors\.retry\.timeout=1000\)\n {4}at /,
  );
  assert.match(traces[0], /\nCaused by: RetriableError: Milvus is unavailable\n {4}at /);
  assert.equal(consumer.positions.get('embeddings-0'), 0, 'the failed records stay uncommitted and unconsumed');
});

test('with errors.retry.timeout=0 (the default) a RetriableError fails the task at once', async () => {
  const { consumer, task, states } = await running();
  consumer.produce('embeddings', 0, 'a');
  task.onPut = async () => {
    throw new RetriableError('busy');
  };
  await consumer.poll();
  assert.deepEqual(states, [State.RUNNING, State.FAILED]);
  assert.equal(task.puts.length, 1);
});

test('any other error from put() fails the task with a trace, commits what is safe and releases the consumer', async () => {
  const { consumer, task, states, traces } = await running();
  consumer.produce('embeddings', 0, 'a');
  await consumer.poll();
  consumer.produce('embeddings', 0, 'b');
  task.onPut = async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'dim')");
  };
  await consumer.poll();
  await settle();
  assert.deepEqual(states, [State.RUNNING, State.FAILED]);
  assert.match(traces[0], /^ConnectError: Exiting WorkerSinkTask due to unrecoverable exception\.\n/);
  assert.match(traces[0], /Caused by: TypeError: Cannot read properties of undefined \(reading 'dim'\)/);
  assert.deepEqual(consumer.commits, ['embeddings-0=1'], 'the first record was written and is committed; the failed one is not');
  assert.deepEqual(task.calls.slice(-3), ['preCommit embeddings-0=1', 'close embeddings-0', 'stop']);
  assert.equal(consumer.stopped, true, 'no consumer keeps running behind a FAILED status');
});

test('a task whose start() throws is FAILED with that trace and its consumer never starts', async () => {
  const { worker, task, consumer, states, traces } = setup();
  task.startError = new Error('Collection not existvectors');
  assert.equal(await worker.start(), false);
  await settle();
  assert.deepEqual(states, [State.FAILED]);
  assert.match(traces[0], /^Error: Collection not existvectors\n {4}at /);
  assert.equal(consumer.started, false);
  assert.deepEqual(task.calls, ['start', 'stop']);
});

test('a consumer crash kafkajs does not recover from fails the task; one it restarts does not', async () => {
  const { consumer, states } = await running();
  consumer.handler.onCrash(new Error('Connection timeout'), true);
  assert.deepEqual(states, [State.RUNNING]);
  consumer.handler.onCrash(new Error('Not authorized to access group'), false);
  await settle();
  assert.deepEqual(states, [State.RUNNING, State.FAILED]);
  assert.equal(consumer.stopped, true);
});

// ---- errors.tolerance ----------------------------------------------------------------------------

test('errors.tolerance=none: a record the converter rejects fails the task, naming topic, partition, offset and field', async () => {
  const { consumer, task, states, traces } = await running();
  consumer.produce('embeddings', 0, 'a', 'bad', 'c');
  await consumer.poll();
  await settle();
  assert.deepEqual(states, [State.RUNNING, State.FAILED]);
  assert.match(
    traces[0],
    /^ToleranceExceededError: Tolerance exceeded in error handler while executing stage 'VALUE_CONVERTER' with class 'org\.example\.TextConverter' on the record topic='embeddings', partition=0, offset=1: Field 'vector' is not a list of numbers/,
  );
  assert.match(traces[0], /Caused by: DataError: Field 'vector'/);
  assert.equal(task.puts.length, 0, 'nothing of the batch is put');
});

test('errors.tolerance=all: the bad record is logged, dead-lettered with context headers, and committed past', async () => {
  const { clock, consumer, task, states, dlqMessages, logLines } = await running({
    errors: {
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.deadletterqueue.topic.name': 'dlq',
      'errors.deadletterqueue.context.headers.enable': 'true',
    },
  });
  consumer.produce('embeddings', 0, 'a', 'bad', 'c');
  await consumer.poll();
  assert.deepEqual(
    task.puts.map((p) => p.map((r) => r.value)),
    [['a', 'c']],
  );
  assert.equal(dlqMessages.length, 1);
  assert.equal(Buffer.from(dlqMessages[0].value!).toString(), 'bad', 'the original bytes go to the DLQ');
  const headers = Object.fromEntries(dlqMessages[0].headers.map((h) => [h.key, Buffer.from(h.value!).toString()]));
  assert.equal(headers.trace, 't1', 'original headers are kept');
  assert.equal(headers['__connect.errors.offset'], '1');
  assert.equal(headers['__connect.errors.stage'], 'VALUE_CONVERTER');
  const logged = logLines.find((l) => String(l.msg).startsWith('Error encountered in task vectors-0.'));
  assert.ok(logged, 'errors.log.enable logs the failure');
  assert.match(String(logged.msg), /topic='embeddings', partition=0, offset=1/);
  assert.doesNotMatch(String(logged.msg), /value=/, 'record contents only with errors.log.include.messages');
  await clock.advance(10_000);
  assert.deepEqual(consumer.commits, ['embeddings-0=3']);
  assert.deepEqual(states, [State.RUNNING]);
});

test("errant records the task reports are done once dead-lettered; under 'none' the task fails even if put() swallowed the rejection", async () => {
  const tolerant = await running({ errors: { 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq' } });
  tolerant.task.onPut = async (records) => {
    await tolerant.task.context.errantRecordReporter(records[0], new DataError('dimension 3, expected 768'));
  };
  tolerant.consumer.produce('embeddings', 0, 'a');
  await tolerant.consumer.poll();
  assert.equal(tolerant.dlqMessages.length, 1);
  assert.deepEqual(tolerant.states, [State.RUNNING]);

  const strict = await running();
  strict.task.onPut = async (records) => {
    await strict.task.context.errantRecordReporter(records[0], new DataError('dimension 3, expected 768')).catch(() => {});
  };
  strict.consumer.produce('embeddings', 0, 'a');
  await strict.consumer.poll();
  await settle();
  assert.deepEqual(strict.states, [State.RUNNING, State.FAILED]);
  assert.match(
    strict.traces[0],
    /stage 'TASK_PUT' with class 'org\.example\.RecordingTask' on the record topic='embeddings', partition=0, offset=0: dimension 3, expected 768/,
  );
  assert.deepEqual(strict.consumer.commits, [], 'nothing past the errant record is committed');
});

// ---- target state, stop --------------------------------------------------------------------------

test('PAUSED pauses every partition and stops delivery; RUNNING resumes with nothing lost', async () => {
  const { worker, consumer, task, states } = await running({}, T0, T1);
  worker.transitionTo(TargetState.PAUSED);
  assert.deepEqual([...consumer.paused].sort(), ['embeddings-0', 'embeddings-1']);
  consumer.produce('embeddings', 0, 'a');
  await consumer.poll();
  assert.equal(task.puts.length, 0);
  worker.transitionTo(TargetState.STARTED);
  assert.deepEqual([...consumer.paused], []);
  await consumer.poll();
  assert.deepEqual(
    task.puts.map((p) => p.map((r) => r.value)),
    [['a']],
  );
  assert.deepEqual(states, [State.RUNNING, State.PAUSED, State.RUNNING]);
});

test('a task started while the connector is PAUSED joins with its partitions paused', async () => {
  const { consumer, task, states } = await running({ initialState: TargetState.PAUSED });
  consumer.produce('embeddings', 0, 'a');
  await consumer.poll();
  assert.deepEqual(states, [State.PAUSED]);
  assert.deepEqual([...consumer.paused], ['embeddings-0']);
  assert.equal(task.puts.length, 0);
});

test('a batch fetched before a pause is not delivered and is fetched again after resume', async () => {
  const { worker, consumer, task } = await running();
  consumer.produce('embeddings', 0, 'a');
  consumer.paused.clear();
  worker.transitionTo(TargetState.PAUSED);
  consumer.paused.clear(); // the fetch was already under way when the pause came
  await consumer.poll();
  assert.equal(task.puts.length, 0);
  assert.equal(consumer.positions.get('embeddings-0'), 0);
});

test('stop() commits what is safe, closes and stops the task, leaves the group and reports UNASSIGNED', async () => {
  const { worker, consumer, task, states } = await running();
  consumer.produce('embeddings', 0, 'a', 'b');
  await consumer.poll();
  await worker.stop();
  assert.deepEqual(task.calls.slice(-3), ['preCommit embeddings-0=2', 'close embeddings-0', 'stop']);
  assert.deepEqual(consumer.commits, ['embeddings-0=2']);
  assert.equal(consumer.stopped, true);
  assert.deepEqual(states, [State.RUNNING, State.UNASSIGNED]);
});

test('stop() keeps committing while the sink still writes, so what it acknowledges during shutdown is not delivered again', async () => {
  const { clock, worker, consumer, task } = await running();
  let preCommits = 0;
  // the first preCommit finds record b still in flight; by the next one the sink has written it
  task.onPreCommit = (offsets) => (++preCommits === 1 ? new Map([[key('embeddings', 0), { topic: 'embeddings', partition: 0, offset: 1 }]]) : offsets);
  consumer.produce('embeddings', 0, 'a', 'b');
  await consumer.poll();
  const stopped = worker.stop();
  await clock.advance(100);
  await stopped;
  assert.deepEqual(consumer.commits, ['embeddings-0=1', 'embeddings-0=2']);
  assert.deepEqual(task.calls.slice(-4), ['preCommit embeddings-0=2', 'preCommit embeddings-0=2', 'close embeddings-0', 'stop']);
});

test('stop() drains for at most half of task.shutdown.graceful.timeout.ms, then closes with a last commit', async () => {
  const { clock, worker, consumer, task } = await running({ shutdownTimeoutMs: 1_000 });
  task.onPreCommit = () => new Map(); // a sink that never acknowledges anything
  consumer.produce('embeddings', 0, 'a');
  await consumer.poll();
  const stopped = worker.stop();
  await clock.advance(600);
  await stopped;
  assert.deepEqual(consumer.commits, []);
  assert.ok(task.calls.filter((c) => c.startsWith('preCommit')).length >= 5, 'it kept asking while the time lasted');
  assert.deepEqual(task.calls.slice(-3), ['preCommit embeddings-0=1', 'close embeddings-0', 'stop']);
  assert.equal(consumer.stopped, true);
});

test('metrics: records read and put, put and commit times, lag from the high watermark, series dropped at stop', async () => {
  const metrics = recordingMetrics();
  const { clock, worker, consumer, task } = await running({
    metrics,
    errors: { 'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.deadletterqueue.topic.name': 'dlq' },
  });
  task.onPut = () => clock.advance(250);
  consumer.produce('embeddings', 0, 'a', 'bad', 'c', 'd');
  await consumer.poll();
  await clock.advance(10_000); // the periodic commit
  await worker.stop();
  // the series go once the consumer has left the group, which happens after stop() in the background
  await worker.closed();
  assert.deepEqual(metrics.calls, [
    'read 4',
    'error skipped=true logged=true',
    'dlq true',
    'put 3 in 0.25s',
    'lag embeddings-0=0',
    'commit true in 0s',
    'closed embeddings-0',
    'close',
  ]);
});

test('stop() waits for the put() in flight, then commits it', async () => {
  const { worker, consumer, task } = await running();
  let release!: () => void;
  task.onPut = () => new Promise<void>((resolve) => (release = resolve));
  consumer.produce('embeddings', 0, 'a', 'b');
  const polled = consumer.poll();
  await settle();
  const stopped = worker.stop();
  await settle();
  assert.equal(consumer.stopped, false, 'the group is not left while put() runs');
  release();
  await polled;
  await stopped;
  assert.deepEqual(task.calls.slice(-3), ['preCommit embeddings-0=2', 'close embeddings-0', 'stop']);
  assert.deepEqual(consumer.commits, ['embeddings-0=2']);
  assert.equal(consumer.stopped, true);
});

test('stop() gives up waiting after task.shutdown.graceful.timeout.ms and stops the task only when put() returns', async () => {
  const { clock, worker, consumer, task } = await running({ shutdownTimeoutMs: 1_000 });
  let release!: () => void;
  task.onPut = () => new Promise<void>((resolve) => (release = resolve));
  consumer.produce('embeddings', 0, 'a');
  const polled = consumer.poll();
  await settle();
  const stopped = worker.stop();
  await clock.advance(1_000);
  await stopped;
  await polled; // the batch was abandoned so that kafkajs could stop
  assert.equal(consumer.stopped, true, 'the consumer leaves the group on time');
  assert.ok(!task.calls.includes('stop'), 'the plugin task is never called while put() is still running');
  release();
  await settle();
  assert.equal(task.calls.at(-1), 'stop');
  assert.deepEqual(consumer.commits, [], 'nothing of the abandoned batch is committed');
});

test('a flush that hangs while stopping does not hold stop() past the graceful timeout either', async () => {
  const { clock, worker, consumer, task } = await running({ shutdownTimeoutMs: 1_000 });
  consumer.produce('embeddings', 0, 'a');
  await consumer.poll();
  const hang = new Promise<never>(() => {});
  task.preCommit = async () => hang;
  const stopped = worker.stop();
  await clock.advance(1_000);
  await stopped;
  assert.equal(consumer.stopped, true);
  assert.ok(!task.calls.includes('stop'), 'stop() is never called while preCommit() runs');
});

// ---- rebalances ----------------------------------------------------------------------------------

test('on a rebalance, revoked partitions are committed and closed, new ones opened, kept ones continue where they were', async () => {
  const { consumer, task } = await running({}, T0, T1);
  consumer.produce('embeddings', 0, 'a', 'b');
  consumer.produce('embeddings', 1, 'x');
  await consumer.poll();
  const T2 = { topic: 'embeddings', partition: 2 };
  consumer.assign(T0, T2);
  await settle();
  assert.deepEqual(consumer.seeks, ['embeddings-0@2'], 'a kept partition is not fetched again from its last commit');
  assert.deepEqual(task.calls.slice(-3), ['preCommit embeddings-1=1', 'close embeddings-1', 'open embeddings-2']);
  assert.deepEqual(consumer.commits, ['embeddings-1=1']);
  assert.deepEqual(
    task.context.assignment().map((p) => p.partition),
    [0, 2],
  );
});

test("a task's flush() runs before the commit that precedes close() and before the commits at stop, never on a periodic commit", async () => {
  const { clock, worker, consumer, task } = await running({}, T0, T1);
  task.flush = async () => void task.calls.push('flush');
  consumer.produce('embeddings', 0, 'a');
  consumer.produce('embeddings', 1, 'x');
  await consumer.poll();
  await clock.advance(10_000); // periodic commits
  assert.ok(task.calls.some((c) => c.startsWith('preCommit')));
  assert.equal(task.calls.includes('flush'), false, 'waiting for the sink there would stall it');
  consumer.assign(T0);
  await settle();
  assert.deepEqual(task.calls.slice(-3), ['flush', 'preCommit embeddings-1=1', 'close embeddings-1']);
  const stopped = worker.stop();
  await clock.advance(100);
  await stopped;
  assert.deepEqual(task.calls.slice(-4), ['flush', 'preCommit embeddings-0=1', 'close embeddings-0', 'stop']);
});

test('a rebalance noticed by a heartbeat mid-batch commits what was put and leaves the rest of the batch for later', async () => {
  const { clock, consumer, task } = await running({ maxPollRecords: 1 });
  consumer.produce('embeddings', 0, 'a', 'b', 'c');
  task.onPut = async () => {
    consumer.heartbeatOk = false;
    await clock.advance(3_000);
  };
  await consumer.poll();
  assert.equal(task.puts.length, 1);
  assert.deepEqual(consumer.commits, ['embeddings-0=1']);
  assert.equal(consumer.positions.get('embeddings-0'), 1, 'the remaining records are fetched again by the next owner');
});

test('the task can pause and resume its own partitions', async () => {
  const { worker, consumer, task } = await running({}, T0, T1);
  task.context.pause([T1]);
  assert.deepEqual([...consumer.paused], ['embeddings-1']);
  worker.transitionTo(TargetState.PAUSED);
  worker.transitionTo(TargetState.STARTED);
  assert.deepEqual([...consumer.paused], ['embeddings-1'], 'resuming the connector keeps the task-paused partition paused');
  task.context.resume([T1]);
  assert.deepEqual([...consumer.paused], []);
});
