import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonConverterPlugin } from '../../../src/converters/json-converter.js';
import { stringConverterPlugin } from '../../../src/converters/string-converter.js';
import { ConfigDef, RetriableError, type SinkRecord, type TransformationPlugin } from '../../../src/plugin/index.js';
import { systemClock, type Clock } from '../../../src/runtime/clock.js';
import { transformationStageSpecs, type StageSpec } from '../../../src/runtime/config/transformation-config.js';
import type { RawBatch } from '../../../src/runtime/kafka/sink-consumer.js';
import { consumedRecordOf } from '../../../src/runtime/worker/consumed-records.js';
import { convertMessages, type ConversionContext, type ConverterHandle } from '../../../src/runtime/worker/convert-messages.js';
import { ErrantRecordTracker, errorHandlingConfig, ErrorReporter, Stage, type ProcessingContext } from '../../../src/runtime/worker/error-handling.js';
import { TransformationChain } from '../../../src/runtime/worker/transformation-chain.js';
import { builtinPredicates, builtinTransformations } from '../../../src/transforms/index.js';
import { Plugins } from '../../../src/runtime/plugins.js';

const plugins = new Plugins({ connectors: [], converters: [], transformations: builtinTransformations, predicates: builtinPredicates });
const checks = {
  component: (kind: 'Transformation' | 'Predicate', c: string) => (kind === 'Transformation' ? plugins.findTransformation(c) : plugins.findPredicate(c)),
};
const chainOf = (props: Record<string, string>): TransformationChain => TransformationChain.create(transformationStageSpecs(props, checks));

function handle(plugin: typeof jsonConverterPlugin, props: Record<string, string>, isKey: boolean): ConverterHandle {
  const converter = plugin.create();
  converter.configure(props, isKey);
  return { converter, className: plugin.className };
}

/** Messages of topic `orders`, partition 3, from offset 10, values as JSON text (null for a tombstone). */
function batch(...values: Array<string | null>): RawBatch {
  return {
    topic: 'orders',
    partition: 3,
    messages: values.map((v, i) => ({
      offset: String(10 + i),
      timestamp: '1000',
      key: Buffer.from(`k${i}`),
      value: v === null ? null : Buffer.from(v),
      headers: { h: 'x' },
    })),
  };
}

function context(
  chain: TransformationChain,
  reported: ProcessingContext[],
  tolerance: 'all' | 'none' = 'all',
  clock: Clock = systemClock,
): ConversionContext & { failures: unknown[] } {
  const failures: unknown[] = [];
  const errors = new ErrorReporter({
    id: { connector: 'c', task: 0 },
    config: { ...errorHandlingConfig({ 'errors.tolerance': tolerance, 'errors.retry.timeout': '1000', 'errors.retry.delay.max.ms': '1' }) },
    logger: { error: () => {} } as never,
    dlq: {
      send: async () => {},
    },
  });
  const report = errors.report.bind(errors);
  errors.report = async (ctx) => {
    reported.push(ctx);
    return report(ctx);
  };
  return {
    keyConverter: handle(stringConverterPlugin, {}, true),
    valueConverter: handle(jsonConverterPlugin, { 'schemas.enable': 'false' }, false),
    transformations: chain,
    errors,
    clock,
    metrics: { retried: () => {} },
    halt: new AbortController().signal,
    fail: (error) => failures.push(error),
    failures,
  };
}

describe('the transformation chain in the sink task (Kafka TransformationChain + TransformationStage)', () => {
  it('applies the stages in order after conversion; a RegexRouter rename keeps the consumed topic, partition and offset', async () => {
    const chain = chainOf({
      transforms: 'extract,route,insert',
      'transforms.extract.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
      'transforms.extract.field': 'doc',
      'transforms.route.type': 'RegexRouter',
      'transforms.route.regex': 'ord(.*)',
      'transforms.route.replacement': 'archived_$1',
      'transforms.insert.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.insert.topic.field': 'routed_to',
      'transforms.insert.offset.field': 'offset',
    });
    const records = await convertMessages(batch('{"doc":{"id":1}}', '{"doc":{"id":2}}'), 0, 2, context(chain, []));
    assert.deepEqual(
      records!.map((r) => [r.topic, r.value, r.originalTopic, r.originalKafkaPartition, r.originalKafkaOffset]),
      [
        ['archived_ers', { id: 1, routed_to: 'archived_ers', offset: 10 }, 'orders', 3, 10],
        ['archived_ers', { id: 2, routed_to: 'archived_ers', offset: 11 }, 'orders', 3, 11],
      ],
    );
  });

  it('a Filter under a RecordIsTombstone predicate drops tombstones; negated, it drops everything else', async () => {
    const props = {
      transforms: 'dropTombstones',
      'transforms.dropTombstones.type': 'Filter',
      'transforms.dropTombstones.predicate': 'isTombstone',
      predicates: 'isTombstone',
      'predicates.isTombstone.type': 'RecordIsTombstone',
    };
    const kept = await convertMessages(batch('1', null, '3'), 0, 3, context(chainOf(props), []));
    assert.deepEqual(
      kept!.map((r) => r.kafkaOffset),
      [10, 12],
    );
    const negated = await convertMessages(batch('1', null, '3'), 0, 3, context(chainOf({ ...props, 'transforms.dropTombstones.negate': 'true' }), []));
    assert.deepEqual(
      negated!.map((r) => r.kafkaOffset),
      [11],
    );
  });

  it('a failing stage is an error record at stage TRANSFORMATION under errors.tolerance=all: reported as consumed, then skipped', async () => {
    const reported: ProcessingContext[] = [];
    const chain = chainOf({ transforms: 'cast', 'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value', 'transforms.cast.spec': 'n:int32' });
    const ctx = context(chain, reported);
    const records = await convertMessages(batch('{"n":"7"}', '{"n":"seven"}', '{"n":8}'), 0, 3, ctx);
    assert.deepEqual(
      records!.map((r) => r.value),
      [{ n: 7 }, { n: 8 }],
    );
    assert.equal(reported.length, 1);
    const [failure] = reported;
    assert.equal(failure.stage, Stage.TRANSFORMATION);
    assert.equal(failure.executingClass, 'org.apache.kafka.connect.transforms.Cast$Value');
    assert.deepEqual([failure.record.topic, failure.record.kafkaPartition, failure.record.kafkaOffset], ['orders', 3, 11]);
    assert.equal(Buffer.from(failure.record.rawValue!).toString(), '{"n":"seven"}');
    assert.equal(failure.error.message, 'Value (seven) was out of range for requested data type');
    assert.deepEqual(ctx.failures, []);
  });

  it('under errors.tolerance=none the task fails with a trace naming the stage, class, topic, partition and offset', async () => {
    const chain = chainOf({ transforms: 'x', 'transforms.x.type': 'org.apache.kafka.connect.transforms.ExtractField$Value', 'transforms.x.field': 'doc' });
    const ctx = context(chain, [], 'none');
    assert.equal(await convertMessages(batch('{"doc":1}', '"not a map"'), 0, 2, ctx), null);
    assert.equal(ctx.failures.length, 1);
    assert.match(
      (ctx.failures[0] as Error).message,
      /^Tolerance exceeded in error handler while executing stage 'TRANSFORMATION' with class 'org\.apache\.kafka\.connect\.transforms\.ExtractField\$Value' on the record topic='orders', partition=3, offset=11: Only Map objects supported in absence of schema for \[field extraction\], found: java\.lang\.String$/,
    );
  });

  it('a retriable failure of a stage is retried (errors.retry.*) from that stage on', async () => {
    let calls = 0;
    const flaky: TransformationPlugin = {
      kind: 'transformation',
      className: 'test.Flaky',
      aliases: [],
      version: '1',
      documentation: 'Fails twice with a retriable error, then sets the value.',
      create: () => ({
        config: () => new ConfigDef([]),
        configure: () => {},
        apply: (r: SinkRecord) => {
          calls++;
          if (calls < 3) throw new RetriableError('not yet');
          return { ...r, value: 'done' };
        },
      }),
    };
    const spec: StageSpec = { alias: 'f', transformation: flaky, props: {}, predicate: null, negate: false };
    const records = await convertMessages(batch('1'), 0, 1, context(TransformationChain.create([spec]), []));
    assert.deepEqual(
      records!.map((r) => r.value),
      ['done'],
    );
    assert.equal(calls, 3);
  });

  it('a transformation that refuses its config fails the start, naming its alias', () => {
    assert.throws(
      () => chainOf({ transforms: 'ins', 'transforms.ins.type': 'org.apache.kafka.connect.transforms.InsertField$Value' }),
      /Could not configure transformation 'ins': No field insertion configured/,
    );
  });

  it('a record the task reports as errant after a rename is dead-lettered as consumed: original topic, partition, offset, bytes and headers', async () => {
    const chain = chainOf({
      transforms: 'route,drop',
      'transforms.route.type': 'RegexRouter',
      'transforms.route.regex': '.*',
      'transforms.route.replacement': 'elsewhere',
      'transforms.drop.type': 'DropHeaders',
      'transforms.drop.headers': 'h',
    });
    const reported: ProcessingContext[] = [];
    const ctx = context(chain, reported);
    const [record] = (await convertMessages(batch('{"a":1}'), 0, 1, ctx))!;
    assert.equal(record.topic, 'elsewhere');
    assert.deepEqual(record.headers, []);
    assert.equal(consumedRecordOf(record).topic, 'orders');
    const tracker = new ErrantRecordTracker(ctx.errors, 'test.Task');
    await tracker.report(record, new Error('bad row'));
    const [errant] = reported;
    assert.equal(errant.stage, Stage.TASK_PUT);
    assert.deepEqual([errant.record.topic, errant.record.kafkaPartition, errant.record.kafkaOffset], ['orders', 3, 10]);
    assert.deepEqual(
      errant.record.headers.map((h) => h.key),
      ['h'],
    );
    assert.equal(Buffer.from(errant.record.rawValue!).toString(), '{"a":1}');
  });
});
