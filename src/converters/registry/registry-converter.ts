import { ConnectError, DataError, type ConfigDef, type Converter, type Header, type ParsedConfig, type SchemaAndValue } from '../../plugin/index.js';
import { withConverterType } from '../converter-config.js';
import { SchemaRegistryClient, type ResolvedSchema, type SchemaType } from './registry-client.js';
import { registryClientOptions } from './registry-config.js';
import { peekSchemaId, readFrame } from './wire-format.js';

/** What one schema format (Avro, Protobuf, JSON Schema) contributes to a registry converter. */
export interface SchemaFormat<Compiled> {
  /** Confluent's schemaType of the schemas this format reads */
  readonly schemaType: SchemaType;
  /** as messages name the format: `Avro`, `Protobuf`, `JSON Schema` */
  readonly displayName: string;
  /** the format's own keys, from the converter's parsed config */
  configure(config: ParsedConfig): void;
  /** a registered schema, ready to read records: its Connect schema and a reader. Throws DataError. */
  compile(schema: ResolvedSchema): Compiled;
  /** the payload after the wire-format header to Connect data. Throws DataError. */
  read(compiled: Compiled, payload: Uint8Array): SchemaAndValue;
}

const NULL_RESULT: SchemaAndValue = Object.freeze({ schema: null, value: null });

/**
 * The deserialising half of Confluent's Schema Registry converters (AvroConverter, ProtobufConverter,
 * JsonSchemaConverter): Confluent's wire format, the schema fetched once per id from the registry and
 * kept compiled (an LRU of max.schemas.per.subject entries), the payload read by the format.
 *
 * Schemas are fetched in prepare(), before the worker converts a batch: every id the batch references
 * that is not cached yet, at once. An id that could not be fetched is remembered until a later
 * prepare() fetches it again, and thrown by toConnectData for each record that references it, so such
 * a record fails (and meets errors.tolerance) with a message naming the id and the registry, never
 * silently. The cache is trimmed before a batch is prepared, never during, so a batch that references
 * more ids than the cache holds still finds them all.
 */
export class RegistryConverter<Compiled> implements Converter {
  readonly #format: SchemaFormat<Compiled>;
  readonly #configDef: ConfigDef;
  #client: SchemaRegistryClient | undefined;
  #capacity = 1000;
  readonly #schemas = new Map<number, Compiled>();
  readonly #failures = new Map<number, ConnectError>();

  constructor(format: SchemaFormat<Compiled>, configDef: ConfigDef) {
    this.#format = format;
    this.#configDef = configDef;
  }

  config(): ConfigDef {
    return this.#configDef;
  }

  configure(props: Readonly<Record<string, string>>, isKey: boolean): void {
    const config = this.#configDef.parse(withConverterType(props, isKey));
    const options = registryClientOptions(config);
    this.#format.configure(config);
    this.#client = new SchemaRegistryClient(options);
    this.#capacity = Math.max(1, config.getInt('max.schemas.per.subject'));
  }

  async prepare(_topic: string, values: readonly (Uint8Array | null)[], signal: AbortSignal): Promise<void> {
    trim(this.#schemas, this.#capacity);
    // ids that fail are not bounded by the registry (garbage with a 0 first byte names any id)
    trim(this.#failures, this.#capacity);
    const missing = new Set<number>();
    for (const value of values) {
      const id = peekSchemaId(value);
      if (id !== undefined && !this.#schemas.has(id)) missing.add(id);
    }
    if (missing.size === 0) return;
    for (const id of missing) this.#failures.delete(id);
    const client = this.#requireClient();
    await Promise.all(
      [...missing].map(async (id) => {
        try {
          this.#schemas.set(id, this.#compile(id, await client.schemaById(id, signal), client));
        } catch (error) {
          this.#failures.set(id, error instanceof ConnectError ? error : new ConnectError(`Fetching schema ${id} failed: ${String(error)}`, { cause: error }));
        }
      }),
    );
  }

  toConnectData(topic: string, _headers: readonly Header[], value: Uint8Array | null): SchemaAndValue {
    if (value === null) return NULL_RESULT;
    const failed = (reason: string, cause?: unknown) =>
      new DataError(`Failed to deserialize data for topic ${topic} to ${this.#format.displayName}: ${reason}`, { cause });
    let frame: ReturnType<typeof readFrame>;
    try {
      frame = readFrame(value);
    } catch (error) {
      throw failed((error as Error).message, error);
    }
    const compiled = this.#lookup(frame.schemaId);
    try {
      return this.#format.read(compiled, frame.payload);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      throw failed(`schema ${frame.schemaId}: ${error.message}`, error);
    }
  }

  #lookup(id: number): Compiled {
    const compiled = this.#schemas.get(id);
    if (compiled !== undefined) {
      // re-insert: the Map's order is the recency order
      this.#schemas.delete(id);
      this.#schemas.set(id, compiled);
      return compiled;
    }
    const failure = this.#failures.get(id);
    if (failure) throw failure;
    throw new ConnectError(
      `Schema ${id} was not fetched from the schema registry at ${this.#requireClient().urls} before converting (the worker did not call prepare()); this is a bug`,
    );
  }

  #compile(id: number, schema: ResolvedSchema, client: SchemaRegistryClient): Compiled {
    const { schemaType, displayName } = this.#format;
    if (schema.schemaType !== schemaType) {
      throw new DataError(
        `Schema ${id} in the schema registry at ${client.urls} is a ${schema.schemaType} schema, not ${schemaType}: use the converter for ${schema.schemaType} records`,
      );
    }
    try {
      return this.#format.compile(schema);
    } catch (error) {
      throw new DataError(`Schema ${id} from the schema registry at ${client.urls} cannot be read as ${displayName}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  #requireClient(): SchemaRegistryClient {
    if (!this.#client) throw new ConnectError('The converter is used before configure()');
    return this.#client;
  }
}

/** Drops the oldest entries (Map order) beyond `capacity`. */
function trim(map: Map<number, unknown>, capacity: number): void {
  for (const id of map.keys()) {
    if (map.size <= capacity) return;
    map.delete(id);
  }
}
