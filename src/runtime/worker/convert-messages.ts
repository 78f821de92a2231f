/**
 * A fetched record becomes a SinkRecord: key and value through their converters, each header through
 * the header converter (typed beside its original bytes), and the original key and value bytes (no copy) when error reporting will need them, so that
 * the dead-letter queue can forward them untouched. A record its converter rejects is retried under
 * errors.retry.*, then skipped or fatal as errors.tolerance says (Kafka's convertMessages).
 */
import { toConnectHeader, type Converter, type Header, type SchemaAndValue, type SinkRecord } from '../../plugin/index.js';
import type { Clock } from '../clock.js';
import { Stage, retryThenTolerate, type ConsumedRecord, type ErrorReporter } from './error-handling.js';
import type { RawBatch, RawHeaders, RawMessage } from '../kafka/sink-consumer.js';
import type { SinkTaskMetrics } from '../metrics.js';
import { TransformationError, type TransformationChain } from './transformation-chain.js';

export interface ConverterHandle {
  readonly converter: Converter;
  /** for error reports and the DLQ `class.name` header */
  readonly className: string;
}

/** A converter threw for one record: which stage, which class, and the original error as cause. */
export class ConversionError extends Error {
  constructor(
    readonly stage: Stage,
    readonly className: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ConversionError';
  }
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);
const EMPTY = new Uint8Array(0);

function headerBytes(value: Buffer | string | null | undefined): Uint8Array | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** kafkajs groups headers by key; a record without headers shares one frozen empty list. */
export function toHeaders(raw: RawHeaders | undefined): readonly Header[] {
  if (raw === undefined) return NO_HEADERS;
  let out: Header[] | undefined;
  for (const key in raw) {
    const value = raw[key];
    out ??= [];
    if (Array.isArray(value)) for (const v of value as ReadonlyArray<Buffer | string>) out.push({ key, value: headerBytes(v) ?? EMPTY });
    else out.push({ key, value: headerBytes(value as Buffer | string | null | undefined) });
  }
  return out ?? NO_HEADERS;
}

export function timestampOf(message: RawMessage): number | null {
  const t = Number(message.timestamp);
  return t >= 0 ? t : null;
}

/** The record as it was consumed, for the error log and the DLQ. */
export function consumedRecord(batch: RawBatch, message: RawMessage): ConsumedRecord {
  return {
    topic: batch.topic,
    kafkaPartition: batch.partition,
    kafkaOffset: Number(message.offset),
    timestamp: timestampOf(message),
    rawKey: message.key,
    rawValue: message.value,
    headers: toHeaders(message.headers),
  };
}

/** A header value detached from the fetch response it was read from. */
function ownHeader(header: Header): Header {
  return header.value === null ? header : { key: header.key, value: Uint8Array.prototype.slice.call(header.value) };
}

/**
 * Throws ConversionError naming the failing stage.
 *
 * kafkajs hands over keys, values and headers as views into the fetch response, about a megabyte
 * each, which stays in memory as long as any view of it does. A sink task may hold a record until
 * its write is acknowledged (thousands of records for a batching sink), so without `keepOriginal`
 * the record keeps no view: no original bytes (only the dead-letter queue and the error log with
 * errors.log.include.messages read them), and copies of its headers. A 768-dim vector record as
 * JSON is ~10 KB of text, three times its parsed size.
 */
export function convertRecord(
  batch: RawBatch,
  message: RawMessage,
  key: ConverterHandle,
  value: ConverterHandle,
  keepOriginal = true,
  header?: ConverterHandle,
): SinkRecord {
  const viewHeaders = toHeaders(message.headers);
  let headers = keepOriginal || viewHeaders.length === 0 ? viewHeaders : viewHeaders.map(ownHeader);
  let k: SchemaAndValue;
  let v: SchemaAndValue;
  try {
    k = key.converter.toConnectData(batch.topic, headers, message.key);
  } catch (error) {
    throw new ConversionError(Stage.KEY_CONVERTER, key.className, error);
  }
  try {
    v = value.converter.toConnectData(batch.topic, headers, message.value);
  } catch (error) {
    throw new ConversionError(Stage.VALUE_CONVERTER, value.className, error);
  }
  if (header && headers.length > 0) headers = convertHeaders(batch.topic, headers, header);
  const offset = Number(message.offset);
  return {
    topic: batch.topic,
    kafkaPartition: batch.partition,
    kafkaOffset: offset,
    timestamp: timestampOf(message),
    keySchema: k.schema,
    key: k.value,
    valueSchema: v.schema,
    value: v.value,
    headers,
    rawKey: keepOriginal ? message.key : null,
    rawValue: keepOriginal ? message.value : null,
    originalTopic: batch.topic,
    originalKafkaPartition: batch.partition,
    originalKafkaOffset: offset,
  };
}

/** Kafka's convertHeadersFor: every header through the header converter, in order (Kafka does it after the value). */
function convertHeaders(topic: string, headers: readonly Header[], header: ConverterHandle): Header[] {
  try {
    return headers.map((h) => ({ key: h.key, value: h.value, converted: toConnectHeader(header.converter, topic, h.key, h.value) }));
  } catch (error) {
    throw new ConversionError(Stage.HEADER_CONVERTER, header.className, error);
  }
}

/** What converting messages needs besides the converters: the error policy, time, and the task's fate. */
export interface ConversionContext {
  readonly keyConverter: ConverterHandle;
  readonly valueConverter: ConverterHandle;
  /** absent: headers reach the task with their bytes only */
  readonly headerConverter?: ConverterHandle;
  /** the connector's transformations, applied after conversion; absent or empty: none */
  readonly transformations?: TransformationChain;
  readonly errors: ErrorReporter;
  readonly clock: Clock;
  readonly metrics: Pick<SinkTaskMetrics, 'retried'>;
  /** aborted on stop or failure: a retry backoff ends, and the conversion with it */
  readonly halt: AbortSignal;
  /** fails the task (a failed error report) */
  readonly fail: (error: unknown) => void;
}

/**
 * Lets converters that need remote metadata (a schema registry) load what messages[from, to) reference
 * (Converter.prepare); failures surface per record in toConnectData.
 */
async function prepareConverters(batch: RawBatch, from: number, to: number, context: ConversionContext): Promise<void> {
  const key = context.keyConverter.converter;
  const value = context.valueConverter.converter;
  if (!key.prepare && !value.prepare) return;
  const messages = batch.messages.slice(from, to);
  await Promise.all([
    key.prepare?.(
      batch.topic,
      messages.map((m) => m.key),
      context.halt,
    ),
    value.prepare?.(
      batch.topic,
      messages.map((m) => m.value),
      context.halt,
    ),
  ]);
}

/**
 * Converted (and transformed) records of messages[from, to); errant ones left out once reported, dropped
 * ones left out (their offsets are committed all the same). Null: the task failed.
 */
export async function convertMessages(batch: RawBatch, from: number, to: number, context: ConversionContext): Promise<SinkRecord[] | null> {
  const { keyConverter, valueConverter } = context;
  await prepareConverters(batch, from, to, context);
  const chain = context.transformations?.empty === false ? context.transformations : undefined;
  const out: SinkRecord[] = [];
  for (let i = from; i < to; i++) {
    const message = batch.messages[i];
    let record: SinkRecord;
    try {
      record = convertRecord(batch, message, keyConverter, valueConverter, context.errors.usesOriginalBytes, context.headerConverter);
    } catch (error) {
      const recovered = await recoverConversion(batch, message, error as ConversionError, context);
      if (recovered === null) return null;
      if (recovered === undefined) continue;
      record = recovered;
    }
    if (chain === undefined) {
      out.push(record);
      continue;
    }
    let transformed: SinkRecord | null | undefined;
    try {
      transformed = chain.apply(record);
    } catch (error) {
      if (!(error instanceof TransformationError)) throw error;
      transformed = await chain.recover(error, record, context);
      if (transformed === null) return null;
    }
    if (transformed !== null && transformed !== undefined) out.push(transformed);
  }
  return out;
}

/** Retriable converter errors are retried (errors.retry.*), then errors.tolerance decides: skip (undefined) or fail (null). */
function recoverConversion(batch: RawBatch, message: RawMessage, failure: ConversionError, context: ConversionContext): Promise<SinkRecord | undefined | null> {
  const { errors } = context;
  return retryThenTolerate(
    failure,
    async () => {
      const index = batch.messages.indexOf(message);
      await prepareConverters(batch, index, index + 1, context);
      return convertRecord(batch, message, context.keyConverter, context.valueConverter, errors.usesOriginalBytes, context.headerConverter);
    },
    (error): error is ConversionError => error instanceof ConversionError,
    (last, cause) => errors.report({ record: consumedRecord(batch, message), stage: last.stage, executingClass: last.className, error: cause }),
    context,
  );
}
