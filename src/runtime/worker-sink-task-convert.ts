/**
 * A fetched record becomes a SinkRecord: key and value through their converters, headers as they
 * were, and the original key and value bytes (no copy) when error reporting will need them, so that
 * the dead-letter queue can forward them untouched.
 */
import type { Converter, Header, SchemaAndValue, SinkRecord } from '../plugin/index.js';
import { Stage, type ConsumedRecord } from './error-handling.js';
import type { RawBatch, RawHeaders, RawMessage } from './kafka/sink-consumer.js';

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
export function convertRecord(batch: RawBatch, message: RawMessage, key: ConverterHandle, value: ConverterHandle, keepOriginal = true): SinkRecord {
  const viewHeaders = toHeaders(message.headers);
  const headers = keepOriginal || viewHeaders.length === 0 ? viewHeaders : viewHeaders.map(ownHeader);
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
  return {
    topic: batch.topic,
    kafkaPartition: batch.partition,
    kafkaOffset: Number(message.offset),
    timestamp: timestampOf(message),
    keySchema: k.schema,
    key: k.value,
    valueSchema: v.schema,
    value: v.value,
    headers,
    rawKey: keepOriginal ? message.key : null,
    rawValue: keepOriginal ? message.value : null,
  };
}
