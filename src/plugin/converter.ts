import type { ConfigDef } from './config-def.js';
import type { Header } from './sink-record.js';
import type { SchemaAndValue } from './schema.js';

/**
 * Kafka's Converter: turns the bytes of a record key or value into Connect data.
 * Sinks only need the deserialising half.
 */
export interface Converter {
  /** `props` are the converter's own keys, prefix stripped (e.g. `schemas.enable`). */
  configure(props: Readonly<Record<string, string>>, isKey: boolean): void;
  /** Throws DataError when the bytes cannot be converted; a null input is a null value. */
  toConnectData(topic: string, headers: readonly Header[], value: Uint8Array | null): SchemaAndValue;
  /** The converter's own ConfigDef, validated against `<key|value>.converter.`-prefixed keys. */
  config(): ConfigDef;
  /**
   * Kafka's HeaderConverter.toConnectHeader: one header value to Connect data. Converters without it
   * convert header values as they convert keys and values (Kafka's own converters all do).
   */
  toConnectHeader?(topic: string, headerKey: string, value: Uint8Array | null): SchemaAndValue;
  /**
   * Not in Kafka, where toConnectData may block on I/O: a converter that needs remote metadata to
   * convert (a schema registry's schemas) loads what `values` reference before the worker calls
   * toConnectData on them, so that toConnectData stays synchronous. The worker awaits it before
   * converting each batch of records, and again before retrying a record. It never rejects: a
   * failure (say, an unreachable registry) is thrown by toConnectData for the records it concerns,
   * which then meet errors.retry.* and errors.tolerance like any conversion error. `signal` aborts
   * when the task stops.
   */
  prepare?(topic: string, values: readonly (Uint8Array | null)[], signal: AbortSignal): Promise<void>;
}

export interface ConverterPlugin {
  /** Kafka's fully qualified class name, e.g. `org.apache.kafka.connect.json.JsonConverter`. */
  readonly className: string;
  readonly aliases: readonly string[];
  readonly version: string;
  /** also usable as a header converter (JsonConverter and StringConverter are in Kafka) */
  readonly isHeaderConverter: boolean;
  /** false for a header converter that is no Converter (SimpleHeaderConverter); absent means true */
  readonly isConverter?: boolean;
  create(): Converter;
}

/** A header value to Connect data through `converter`, by toConnectHeader when it has one. */
export function toConnectHeader(converter: Converter, topic: string, headerKey: string, value: Uint8Array | null): SchemaAndValue {
  return converter.toConnectHeader ? converter.toConnectHeader(topic, headerKey, value) : converter.toConnectData(topic, [], value);
}
