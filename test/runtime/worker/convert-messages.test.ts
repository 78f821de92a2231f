import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numberConverterPlugins } from '../../../src/converters/number-converter.js';
import { simpleHeaderConverterPlugin } from '../../../src/converters/simple-header-converter.js';
import { stringConverterPlugin } from '../../../src/converters/string-converter.js';
import { DataError, type Converter, type ConverterPlugin } from '../../../src/plugin/index.js';
import { systemClock } from '../../../src/runtime/clock.js';
import type { RawBatch } from '../../../src/runtime/kafka/sink-consumer.js';
import { convertMessages, convertRecord, type ConversionContext, type ConverterHandle } from '../../../src/runtime/worker/convert-messages.js';
import { errorHandlingConfig, Stage, type ErrorReporter, type ProcessingContext } from '../../../src/runtime/worker/error-handling.js';

function handle(plugin: ConverterPlugin, isKey = false): ConverterHandle {
  const converter = plugin.create();
  converter.configure({}, isKey);
  return { converter, className: plugin.className };
}

const LONG = numberConverterPlugins.find((p) => p.className.endsWith('.LongConverter'))!;
const key = handle(stringConverterPlugin, true);
const value = handle(LONG);
const headers = handle(simpleHeaderConverterPlugin);

function long(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

function batch(...messages: Array<{ value: Buffer | null; headers?: Record<string, string | Buffer | string[]> }>): RawBatch {
  return {
    topic: 'numbers',
    partition: 0,
    messages: messages.map((m, i) => ({ offset: String(i), timestamp: '1000', key: Buffer.from(`k${i}`), value: m.value, headers: m.headers })),
  };
}

/** An ErrorReporter stand-in under errors.tolerance=all that records what it was asked to report. */
function tolerantContext(reported: ProcessingContext[], headerConverter: ConverterHandle = headers): ConversionContext {
  const errors = {
    config: errorHandlingConfig({ 'errors.tolerance': 'all' }),
    usesOriginalBytes: true,
    report: async (context: ProcessingContext) => {
      reported.push(context);
    },
  } as unknown as ErrorReporter;
  return {
    keyConverter: key,
    valueConverter: value,
    headerConverter,
    errors,
    clock: systemClock,
    metrics: { retried: () => {} },
    halt: new AbortController().signal,
    fail: (error) => assert.fail(`the task must not fail: ${String(error)}`),
  };
}

describe('convertRecord', () => {
  it("gives each header the header converter's typed value and keeps its original bytes beside it", () => {
    const raw = batch({ value: long(7n), headers: { count: '42', flag: Buffer.from('true'), ids: ['[1,2]', 'x'] } });
    const record = convertRecord(raw, raw.messages[0], key, value, true, headers);
    assert.equal(record.value, 7);
    assert.deepEqual(
      record.headers.map((h) => [h.key, Buffer.from(h.value!).toString(), h.converted?.schema?.type ?? null, h.converted?.value]),
      [
        ['count', '42', 'int8', 42],
        ['flag', 'true', 'boolean', true],
        ['ids', '[1,2]', 'array', [1, 2]],
        ['ids', 'x', 'string', 'x'],
      ],
    );
  });

  it('without a header converter, headers keep their bytes only', () => {
    const raw = batch({ value: long(1n), headers: { a: 'b' } });
    const record = convertRecord(raw, raw.messages[0], key, value, true);
    assert.equal(record.headers[0].converted, undefined);
    assert.equal(Buffer.from(record.headers[0].value!).toString(), 'b');
  });
});

describe('convertMessages', () => {
  it('keeps the original value bytes for the DLQ while the task gets the converted long', async () => {
    const raw = batch({ value: long(2n ** 60n), headers: { n: '1' } });
    const records = await convertMessages(raw, 0, 1, tolerantContext([]));
    assert.equal(records?.[0].value, 2n ** 60n);
    assert.deepEqual(records?.[0].rawValue, long(2n ** 60n));
  });

  it('under errors.tolerance=all reports a header converter failure with the original record and skips only that record', async () => {
    const failing: Converter = {
      config: () => headers.converter.config(),
      configure: () => {},
      toConnectData: () => {
        throw new DataError('bad header');
      },
    };
    const reported: ProcessingContext[] = [];
    const raw = batch({ value: long(1n), headers: { h: 'x' } }, { value: long(2n) });
    const records = await convertMessages(raw, 0, 2, tolerantContext(reported, { converter: failing, className: 'com.example.Failing' }));
    // the second record has no headers, so the header converter never runs for it
    assert.deepEqual(
      records?.map((r) => r.value),
      [2],
    );
    assert.equal(reported.length, 1);
    assert.equal(reported[0].stage, Stage.HEADER_CONVERTER);
    assert.equal(reported[0].executingClass, 'com.example.Failing');
    assert.equal(reported[0].error.message, 'bad header');
    assert.deepEqual(reported[0].record.rawValue, long(1n));
    assert.equal(Buffer.from(reported[0].record.headers[0].value!).toString(), 'x');
  });

  it('under errors.tolerance=all reports a value of the wrong size at the value converter stage', async () => {
    const reported: ProcessingContext[] = [];
    const raw = batch({ value: Buffer.from('1234') });
    assert.deepEqual(await convertMessages(raw, 0, 1, tolerantContext(reported)), []);
    assert.equal(reported[0].stage, Stage.VALUE_CONVERTER);
    assert.equal(reported[0].executingClass, 'org.apache.kafka.connect.converters.LongConverter');
    assert.equal(reported[0].error.message, 'Failed to deserialize long: ');
  });
});
