import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { ConnectError, DataError } from '../../../src/plugin/index.js';
import {
  deadLetterHeaders,
  errorHandlingConfig,
  errorLogMessage,
  ErrorReporter,
  formatTrace,
  retryDelay,
  Stage,
  ToleranceExceededError,
  type DeadLetterQueueProducer,
  type ProcessingContext,
} from '../../../src/runtime/worker/error-handling.js';

const ID = { connector: 'vectors', task: 2 };

function context(error: Error = new DataError("Field 'vector' must have 768 dimensions, got 3")): ProcessingContext {
  return {
    record: {
      topic: 'embeddings',
      kafkaPartition: 1,
      kafkaOffset: 42,
      timestamp: 1_700_000_000_000,
      rawKey: Buffer.from('doc-7'),
      rawValue: Buffer.from('{"vector":[1,2,3]}'),
      headers: [{ key: 'origin', value: Buffer.from('app') }],
    },
    stage: Stage.TASK_PUT,
    executingClass: 'com.milvus.io.kafka.MilvusSinkTask',
    error,
  };
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString());

test('the errors.* keys default as in Kafka', () => {
  assert.deepEqual(errorHandlingConfig({}), {
    retryTimeoutMs: 0,
    retryDelayMaxMs: 60000,
    toleranceAll: false,
    logEnable: false,
    logIncludeMessages: false,
    dlqTopic: '',
    dlqReplicationFactor: 3,
    dlqContextHeaders: false,
  });
  const config = errorHandlingConfig({
    'errors.retry.timeout': '-1',
    'errors.tolerance': 'all',
    'errors.log.enable': 'true',
    'errors.deadletterqueue.topic.name': ' dlq ',
    'errors.deadletterqueue.topic.replication.factor': '1',
  });
  assert.equal(config.retryTimeoutMs, -1);
  assert.equal(config.toleranceAll, true);
  assert.equal(config.dlqTopic, 'dlq');
  assert.equal(config.dlqReplicationFactor, 1);
});

test('retry delays start at 300 ms, double, stay under errors.retry.delay.max.ms and never pass the deadline', () => {
  const config = errorHandlingConfig({ 'errors.retry.timeout': '5000', 'errors.retry.delay.max.ms': '2000' });
  assert.deepEqual(
    [1, 2, 3, 4].map((attempt) => retryDelay(config, attempt, 0, 0)),
    [300, 600, 1200, 2000],
  );
  assert.equal(retryDelay(config, 4, 0, 4500), 500, 'only what is left of errors.retry.timeout');
  assert.equal(retryDelay(config, 5, 0, 5000), null, 'the budget is spent');
  assert.equal(retryDelay(errorHandlingConfig({}), 1, 0, 0), null, 'errors.retry.timeout=0 means no retry');
  assert.equal(retryDelay(errorHandlingConfig({ 'errors.retry.timeout': '-1' }), 40, 0, 1e12), 60000, '-1 retries forever');
});

test('a trace reads like Java printStackTrace: name and message, the frames, then each cause', () => {
  const root = new TypeError('bad dim');
  const trace = formatTrace(new ConnectError('Exiting WorkerSinkTask due to unrecoverable exception.', { cause: root }));
  assert.match(trace, /^ConnectError: Exiting WorkerSinkTask due to unrecoverable exception\.\n {4}at .*error-handling\.test\.ts/);
  assert.match(trace, /\nCaused by: TypeError: bad dim\n {4}at /);
  assert.equal(formatTrace('plain string'), 'plain string');
  const cyclic = new Error('a');
  cyclic.cause = cyclic;
  assert.equal(formatTrace(cyclic).split('Caused by').length, 1, 'a cause cycle is printed once');
});

test('DLQ headers keep the original headers and add Kafka’s __connect.errors.* context', () => {
  const headers = deadLetterHeaders(context(), ID, true);
  const byKey = Object.fromEntries(headers.map((h) => [h.key, text(h.value)]));
  assert.equal(headers[0].key, 'origin', 'original headers come first');
  assert.deepEqual(
    Object.keys(byKey).filter((k) => k !== 'origin' && k !== '__connect.errors.exception.stacktrace'),
    [
      '__connect.errors.topic',
      '__connect.errors.partition',
      '__connect.errors.offset',
      '__connect.errors.connector.name',
      '__connect.errors.task.id',
      '__connect.errors.stage',
      '__connect.errors.class.name',
      '__connect.errors.exception.class.name',
      '__connect.errors.exception.message',
    ],
  );
  assert.equal(byKey['__connect.errors.topic'], 'embeddings');
  assert.equal(byKey['__connect.errors.partition'], '1');
  assert.equal(byKey['__connect.errors.offset'], '42');
  assert.equal(byKey['__connect.errors.connector.name'], 'vectors');
  assert.equal(byKey['__connect.errors.task.id'], '2');
  assert.equal(byKey['__connect.errors.stage'], 'TASK_PUT');
  assert.equal(byKey['__connect.errors.class.name'], 'com.milvus.io.kafka.MilvusSinkTask');
  assert.equal(byKey['__connect.errors.exception.class.name'], 'DataError');
  assert.equal(byKey['__connect.errors.exception.message'], "Field 'vector' must have 768 dimensions, got 3");
  assert.match(byKey['__connect.errors.exception.stacktrace']!, /^DataError: Field 'vector'.*\n {4}at /);
  assert.deepEqual(
    deadLetterHeaders(context(), ID, false).map((h) => h.key),
    ['origin'],
    'context headers only when enabled',
  );
});

test('the error log names the record; its key and value only with errors.log.include.messages', () => {
  const plain = errorLogMessage(context(), ID, false);
  assert.equal(
    plain,
    "Error encountered in task vectors-2. Executing stage 'TASK_PUT' with class 'com.milvus.io.kafka.MilvusSinkTask', where consumed record is {topic='embeddings', partition=1, offset=42, timestamp=1700000000000}.",
  );
  assert.match(errorLogMessage(context(), ID, true), /, key=doc-7, value=\{"vector":\[1,2,3\]\}\}\.$/);
});

function reporter(errors: Record<string, string>, dlq?: DeadLetterQueueProducer) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, reporter: new ErrorReporter({ id: ID, config: errorHandlingConfig(errors), logger, ...(dlq ? { dlq } : {}) }) };
}

test('errors.tolerance=none rejects with an error naming stage, class, topic, partition and offset', async () => {
  const { reporter: r, lines } = reporter({ 'errors.log.enable': 'true' });
  await assert.rejects(r.report(context()), (error: unknown) => {
    assert.ok(error instanceof ToleranceExceededError);
    assert.equal(
      error.message,
      "Tolerance exceeded in error handler while executing stage 'TASK_PUT' with class 'com.milvus.io.kafka.MilvusSinkTask' on the record topic='embeddings', partition=1, offset=42: Field 'vector' must have 768 dimensions, got 3",
    );
    assert.ok(error.cause instanceof DataError);
    return true;
  });
  assert.equal(lines.length, 0, 'the task failure is logged once, by the task');
});

test('errors.tolerance=all logs when enabled and resolves once the DLQ acknowledged the raw record', async () => {
  const sent: Array<Parameters<DeadLetterQueueProducer['send']>[0]> = [];
  let acknowledge!: () => void;
  const dlq: DeadLetterQueueProducer = {
    send: (message) => {
      sent.push(message);
      return new Promise((resolve) => (acknowledge = resolve));
    },
  };
  const { reporter: r, lines } = reporter({ 'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.deadletterqueue.topic.name': 'dlq' }, dlq);
  let done = false;
  const reported = r.report(context()).then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(done, false, 'not done before the broker acknowledged');
  acknowledge();
  await reported;
  assert.equal(text(sent[0].key), 'doc-7');
  assert.equal(text(sent[0].value), '{"vector":[1,2,3]}');
  assert.equal(sent[0].timestamp, 1_700_000_000_000);
  assert.deepEqual(
    sent[0].headers.map((h) => h.key),
    ['origin'],
    'no context headers unless enabled',
  );
  assert.equal(lines.length, 1);
  assert.match(String(lines[0].msg), /^Error encountered in task vectors-2\./);
});

test('errors.tolerance=all without a DLQ topic skips the record silently unless logging is on', async () => {
  const { reporter: r, lines } = reporter({ 'errors.tolerance': 'all' });
  await r.report(context());
  assert.equal(lines.length, 0);
});

test('a failed DLQ write rejects: the record would otherwise be lost', async () => {
  const dlq: DeadLetterQueueProducer = { send: async () => Promise.reject(new Error('NOT_ENOUGH_REPLICAS')) };
  const { reporter: r } = reporter({ 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq' }, dlq);
  await assert.rejects(r.report(context()), /Could not produce the record topic='embeddings', partition=1, offset=42 to the dead letter queue topic 'dlq'/);
});
