import avro from 'avsc';
import { DataError, SchemaType, type Field, type Schema, type SchemaAndValue } from '../../plugin/index.js';
import { LogicalName } from '../json-to-connect.js';
import type { ResolvedReference } from './registry-client.js';
import { decimalFromTwosComplement } from '../../plugin/index.js';

/**
 * Avro schemas and data → Connect schemas and values, the way Confluent's AvroData maps them
 * (toConnectSchema / toConnectData), for the keys a sink reads: a record is a struct named by its full
 * name; [null, T] is an optional T; any other union is a struct `io.confluent.connect.avro.Union` with
 * one optional field per branch; an enum is a string with its symbols as parameters; fixed is bytes
 * with `connect.fixed.size`; `connect.*` properties written by Confluent's converter come back.
 * Logical types as AvroData: decimal (bytes or fixed) → Decimal, date → Date, time-millis → Time,
 * timestamp-millis → Timestamp; time-micros, timestamp-micros and the local-timestamp types stay int64,
 * uuid stays a string. Values follow the plugin API's representation: int64 as a number, or a bigint
 * beyond 2^53; Decimal as exact decimal text; Date/Time/Timestamp as a Date; bytes as a copy (no view
 * of the fetched record). Avro decoding itself is avsc's.
 */

export interface AvroDataOptions {
  /** connect.meta.data: read Confluent's connect.* properties and keep docs and defaults as parameters */
  readonly connectMetaData: boolean;
  /** enhanced.avro.schema.support: union branch fields of named types use the full name */
  readonly enhancedSchemaSupport: boolean;
  /** generalized.sum.type.support: unions and enums in the format-neutral form (connect_union_…) */
  readonly generalizedSumTypeSupport: boolean;
  /** flatten.singleton.unions */
  readonly flattenSingletonUnions: boolean;
}

export interface CompiledAvro {
  readonly schema: Schema;
  readonly type: avro.Type;
  readonly read: (value: unknown) => unknown;
}

const NAMESPACE = 'io.confluent.connect.avro';
const DEFAULT_SCHEMA_FULL_NAME = `${NAMESPACE}.ConnectDefault`;
const AVRO_TYPE_UNION = `${NAMESPACE}.Union`;
const AVRO_TYPE_ENUM = `${NAMESPACE}.Enum`;
const GENERALIZED_TYPE_UNION = 'org.apache.kafka.connect.data.Union';
const GENERALIZED_TYPE_ENUM = 'org.apache.kafka.connect.data.Enum';
const GENERALIZED_UNION_PREFIX = 'connect_union_';
const GENERALIZED_UNION_FIELD_PREFIX = 'connect_union_field_';
const MAP_ENTRY_TYPE_NAME = `${NAMESPACE}.MapEntry`;
const CONNECT_DECIMAL_PRECISION_PROP = 'connect.decimal.precision';
const CONNECT_DECIMAL_PRECISION_DEFAULT = 64;
const MILLIS_PER_DAY = 86_400_000;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const COMPLEX = new Set(['record', 'error', 'enum', 'array', 'map', 'fixed']);

/** int64 as the plugin API wants it: a number when exact, a bigint beyond 2^53. */
const LONG = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const n = buf.readBigInt64LE(0);
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (json: unknown) => (typeof json === 'bigint' ? json : Number(json)),
  toJSON: (n: number | bigint) => Number(n),
  isValid: (n: unknown) => (typeof n === 'number' && Number.isSafeInteger(n)) || typeof n === 'bigint',
  compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

type Json = Record<string, unknown>;
type MutableSchema = { -readonly [K in keyof Schema]: Schema[K] };

interface Node {
  readonly schema: Schema;
  readonly read: (value: unknown) => unknown;
}

const identity = (v: unknown) => v;
const copyBytes = (v: unknown) => Uint8Array.prototype.slice.call(v as Uint8Array);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(node: Node): Node {
  return node.schema.optional ? node : { schema: { ...node.schema, optional: true }, read: node.read };
}

/** avsc's type name; our int64 (a LongType.__with) is 'abstract:long' to avsc. */
function typeNameOf(type: avro.Type): string {
  return type.typeName === 'abstract:long' ? 'long' : type.typeName;
}

function fullNameOf(type: avro.Type): string {
  return type.name ?? typeNameOf(type);
}

function simpleName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** Own data property, so a map key or field named "__proto__" stays data. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

class AvroSchemaWalk {
  /** JSON definitions of named types by full name, so a reference by name finds its properties */
  readonly #definitions = new Map<string, Json>();
  /** named records being converted: a reference to one of them is a recursive schema */
  readonly #open = new Set<string>();
  #unionIndex = 0;

  constructor(readonly options: AvroDataOptions) {}

  /** Records the named types a referenced schema defines (avsc already registered their Types). */
  define(type: avro.Type, json: unknown): void {
    this.node(type, json);
  }

  node(type: avro.Type, json: unknown, forceOptional = false, fieldDefault?: unknown): Node {
    const resolved = this.#resolve(type, json);
    let node = this.#build(type, resolved, fieldDefault);
    if (forceOptional) node = optional(node);
    return node;
  }

  /** The JSON object describing `type`: a primitive name becomes `{type}`, a name its definition, `{type: {...}}` its inner object. */
  #resolve(type: avro.Type, json: unknown): Json | unknown[] {
    if (Array.isArray(json)) return json;
    if (typeof json === 'string') {
      if (PRIMITIVES.has(json)) return { type: json };
      const definition = this.#definitions.get(fullNameOf(type));
      if (!definition) throw new DataError(`Avro type ${json} is used before it is defined`);
      return definition;
    }
    if (!isObject(json)) throw new DataError(`Not an Avro schema: ${JSON.stringify(json)}`);
    if (typeof json.type === 'string' && (PRIMITIVES.has(json.type) || COMPLEX.has(json.type))) return json;
    if (typeof json.type === 'string' || isObject(json.type) || Array.isArray(json.type)) return this.#resolve(type, json.type);
    throw new DataError(`Not an Avro schema: ${JSON.stringify(json)}`);
  }

  #build(type: avro.Type, json: Json | unknown[], fieldDefault: unknown): Node {
    if (Array.isArray(json)) return this.#union(type as avro.types.WrappedUnionType, json);
    const meta = this.options.connectMetaData;
    const logicalType = typeof json.logicalType === 'string' ? json.logicalType : undefined;
    const schema: MutableSchema = { type: SchemaType.STRING, optional: false };
    const parameters: Record<string, string> = {};
    let read: (v: unknown) => unknown = identity;
    switch (typeNameOf(type)) {
      case 'null':
        throw new DataError('Standalone null schemas are not supported by this converter');
      case 'boolean':
        schema.type = SchemaType.BOOLEAN;
        break;
      case 'int':
        if (logicalType === 'date') {
          Object.assign(schema, { type: SchemaType.INT32, name: LogicalName.DATE, version: 1 });
          read = (v) => new Date((v as number) * MILLIS_PER_DAY);
        } else if (logicalType === 'time-millis') {
          Object.assign(schema, { type: SchemaType.INT32, name: LogicalName.TIME, version: 1 });
          read = (v) => new Date(v as number);
        } else {
          schema.type = json['connect.type'] === 'int8' ? SchemaType.INT8 : json['connect.type'] === 'int16' ? SchemaType.INT16 : SchemaType.INT32;
        }
        break;
      case 'long':
        if (logicalType === 'timestamp-millis') {
          Object.assign(schema, { type: SchemaType.INT64, name: LogicalName.TIMESTAMP, version: 1 });
          read = (v) => new Date(Number(v));
        } else {
          schema.type = SchemaType.INT64;
        }
        break;
      case 'float':
        schema.type = SchemaType.FLOAT32;
        break;
      case 'double':
        schema.type = SchemaType.FLOAT64;
        break;
      case 'string':
        schema.type = SchemaType.STRING;
        break;
      case 'bytes':
      case 'fixed':
        schema.type = SchemaType.BYTES;
        read = copyBytes;
        if (logicalType === 'decimal') {
          const scale = typeof json.scale === 'number' ? json.scale : 0;
          Object.assign(schema, { name: LogicalName.DECIMAL, version: 1 });
          parameters.scale = String(scale);
          if (json.precision !== undefined && typeof json.precision !== 'number') {
            throw new DataError('precision property must be a JSON Integer. https://avro.apache.org/docs/1.9.1/spec.html#Decimal');
          }
          if (typeof json.precision === 'number' && json.precision !== CONNECT_DECIMAL_PRECISION_DEFAULT) {
            parameters[CONNECT_DECIMAL_PRECISION_PROP] = String(json.precision);
          }
          read = (v) => decimalFromTwosComplement(v as Uint8Array, scale);
        }
        if (type.typeName === 'fixed') {
          this.#definitions.set(fullNameOf(type), json);
          parameters['connect.fixed.size'] = String((type as avro.types.FixedType).size);
          if (logicalType !== 'decimal') schema.name = fullNameOf(type);
        }
        break;
      case 'enum':
        this.#definitions.set(fullNameOf(type), json);
        this.#enum(type as avro.types.EnumType, json, parameters);
        schema.type = SchemaType.STRING;
        schema.name = fullNameOf(type);
        break;
      case 'array':
        return this.#finish(type, json, this.#array(type as avro.types.ArrayType, json), {}, fieldDefault);
      case 'map': {
        const values = this.node((type as avro.types.MapType).valuesType as avro.Type, json.values);
        schema.type = SchemaType.MAP;
        schema.keySchema = { type: SchemaType.STRING, optional: false };
        schema.valueSchema = values.schema;
        read = (v) => {
          const out: Record<string, unknown> = {};
          for (const [k, x] of Object.entries(v as Json)) put(out, k, values.read(x));
          return out;
        };
        break;
      }
      case 'record':
      case 'error':
        return this.#finish(type, json, this.#record(type as avro.types.RecordType, json), {}, fieldDefault);
      default:
        throw new DataError(`Couldn't translate unsupported schema type ${type.typeName}.`);
    }
    if (meta && typeof json.doc === 'string' && type.typeName === 'enum') {
      parameters[`${NAMESPACE}.enum.doc.${simpleName(fullNameOf(type))}`] = json.doc;
    }
    return this.#finish(type, json, { schema, read }, parameters, fieldDefault);
  }

  #enum(type: avro.types.EnumType, json: Json, parameters: Record<string, string>): void {
    const name = fullNameOf(type);
    if (this.options.connectMetaData && typeof json.default === 'string') parameters[`${NAMESPACE}.enum.default.${simpleName(name)}`] = json.default;
    const param = this.options.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : AVRO_TYPE_ENUM;
    parameters[param] = name;
    type.symbols.forEach((symbol, i) => {
      parameters[`${param}.${symbol}`] = this.options.generalizedSumTypeSupport ? String(i) : symbol;
    });
  }

  #array(type: avro.types.ArrayType, json: Json): Node {
    const itemsType = type.itemsType;
    if (itemsType.typeName === 'record' && fullNameOf(itemsType).startsWith(MAP_ENTRY_TYPE_NAME)) {
      // Confluent's encoding of a map with non-string keys: an array of {key, value} records
      const entry = itemsType as avro.types.RecordType;
      const entryJson = this.#resolve(entry, json.items) as Json;
      const fieldJson = (name: string) => (entryJson.fields as Json[]).find((f) => f.name === name)?.type;
      const keyField = entry.fields.find((f) => f.name === 'key');
      const valueField = entry.fields.find((f) => f.name === 'value');
      if (entry.fields.length !== 2 || !keyField || !valueField) {
        throw new DataError('Found map encoded as array of key-value pairs, but array elements do not match the expected format.');
      }
      const keys = this.node(keyField.type, fieldJson('key'));
      const values = this.node(valueField.type, fieldJson('value'));
      return {
        schema: { type: SchemaType.MAP, optional: false, keySchema: keys.schema, valueSchema: values.schema },
        read: (v) => new Map((v as Json[]).map((e) => [keys.read(e.key), values.read(e.value)])),
      };
    }
    const items = this.node(itemsType, json.items);
    const read = items.read === identity ? identity : (v: unknown) => (v as unknown[]).map(items.read);
    return { schema: { type: SchemaType.ARRAY, optional: false, valueSchema: items.schema }, read };
  }

  #record(type: avro.types.RecordType, json: Json): Node {
    const name = fullNameOf(type);
    if (this.#open.has(name)) throw new DataError(`Recursive Avro schemas are not supported: record ${name} refers to itself`);
    this.#definitions.set(name, json);
    this.#open.add(name);
    try {
      const meta = this.options.connectMetaData;
      const parameters: Record<string, string> = {};
      if (meta && typeof json.doc === 'string') parameters[`${NAMESPACE}.record.doc`] = json.doc;
      const fieldsJson = Array.isArray(json.fields) ? (json.fields as Json[]) : [];
      const fields: Field[] = [];
      const readers: [string, (v: unknown) => unknown][] = [];
      type.fields.forEach((field, index) => {
        const fieldJson = fieldsJson.find((f) => f.name === field.name) ?? {};
        if (meta && typeof fieldJson.doc === 'string') parameters[`${NAMESPACE}.field.doc.${field.name}`] = fieldJson.doc;
        let node = this.node(field.type, fieldJson.type, false, Object.hasOwn(fieldJson, 'default') ? fieldJson.default : undefined);
        if (meta && isObject(fieldJson['connect.parameters'])) node = withParameters(node, fieldJson['connect.parameters']);
        fields.push({ name: field.name, index, schema: node.schema });
        readers.push([field.name, node.read]);
      });
      const schema: Schema = { type: SchemaType.STRUCT, optional: false, fields, ...(Object.keys(parameters).length > 0 ? { parameters } : {}) };
      const read = (v: unknown) => {
        const record = v as Json;
        const out: Record<string, unknown> = {};
        for (const [fieldName, readField] of readers) put(out, fieldName, readField(record[fieldName]));
        return out;
      };
      return { schema, read };
    } finally {
      this.#open.delete(name);
    }
  }

  #union(type: avro.types.WrappedUnionType, json: unknown[]): Node {
    const branches = type.types;
    if (branches.length === 1 && this.options.flattenSingletonUnions) return this.node(branches[0], json[0]);
    const nullIndex = branches.findIndex((b) => b.typeName === 'null');
    if (branches.length === 2 && nullIndex >= 0) {
      const index = 1 - nullIndex;
      const inner = optional(this.node(branches[index], json[index]));
      const branch = branches[index].branchName as string;
      return { schema: inner.schema, read: (v) => (v === null ? null : inner.read((v as Json)[branch])) };
    }
    const generalized = this.options.generalizedSumTypeSupport;
    const name = generalized ? `${GENERALIZED_UNION_PREFIX}${this.#unionIndex++}` : AVRO_TYPE_UNION;
    const fields: Field[] = [];
    const byBranch = new Map<string, { field: string; read: (v: unknown) => unknown }>();
    branches.forEach((branch, i) => {
      if (branch.typeName === 'null') return;
      const node = this.node(branch, json[i], true);
      const fieldName = generalized ? `${GENERALIZED_UNION_FIELD_PREFIX}${i}` : this.#memberName(branch);
      if (fields.some((f) => f.name === fieldName)) throw new DataError('Multiple union schemas map to the Connect union field name');
      fields.push({ name: fieldName, index: fields.length, schema: node.schema });
      byBranch.set(branch.branchName as string, { field: fieldName, read: node.read });
    });
    const schema: Schema = {
      type: SchemaType.STRUCT,
      optional: nullIndex >= 0,
      name,
      fields,
      ...(generalized ? { parameters: { [GENERALIZED_TYPE_UNION]: name } } : {}),
    };
    const read = (v: unknown) => {
      if (v === null) return null;
      const [branch, value] = Object.entries(v as Json)[0];
      const member = byBranch.get(branch);
      if (!member) throw new DataError(`Did not find matching union field for data (branch ${branch})`);
      const out: Record<string, unknown> = {};
      for (const f of fields) out[f.name] = null;
      out[member.field] = member.read(value);
      return out;
    };
    return { schema, read };
  }

  /** Confluent's unionMemberFieldName: a named type's (simple or full) name, else the Avro type name. */
  #memberName(branch: avro.Type): string {
    if (branch.typeName === 'record' || branch.typeName === 'error' || branch.typeName === 'enum' || branch.typeName === 'fixed') {
      return this.options.enhancedSchemaSupport ? fullNameOf(branch) : simpleName(fullNameOf(branch));
    }
    return typeNameOf(branch);
  }

  /** What every type shares: connect.* properties, avro* properties as parameters, the name, the default. */
  #finish(type: avro.Type, json: Json, node: Node, parameters: Record<string, string>, fieldDefault: unknown): Node {
    const meta = this.options.connectMetaData;
    const schema: MutableSchema = { ...node.schema };
    const params: Record<string, string> = { ...(schema.parameters ?? {}), ...parameters };
    if (meta && typeof json['connect.doc'] === 'string') schema.doc = json['connect.doc'];
    if (json['connect.version'] !== undefined) {
      if (typeof json['connect.version'] !== 'number') throw new DataError(`Invalid Connect version found: ${JSON.stringify(json['connect.version'])}`);
      schema.version = json['connect.version'];
    }
    if (meta && json['connect.parameters'] !== undefined) {
      if (!isObject(json['connect.parameters'])) {
        throw new DataError(`Expected JSON object for schema parameters but found: ${JSON.stringify(json['connect.parameters'])}`);
      }
      for (const [k, v] of Object.entries(json['connect.parameters'])) {
        if (typeof v !== 'string') throw new DataError(`Expected schema parameter values to be strings but found: ${JSON.stringify(v)}`);
        params[k] = v;
      }
    }
    for (const [k, v] of Object.entries(json)) if (k.startsWith('avro')) params[k] = typeof v === 'string' ? v : JSON.stringify(v);
    let defaultJson = fieldDefault;
    if (defaultJson === undefined) defaultJson = json['connect.default'];
    else if (meta && json['connect.default'] === undefined) params[`${NAMESPACE}.field.default`] = 'true';
    if (Object.keys(params).length > 0) schema.parameters = params;
    const connectName = json['connect.name'];
    if (connectName !== undefined) {
      if (typeof connectName !== 'string') throw new DataError(`Invalid schema name: ${JSON.stringify(connectName)}`);
      schema.name = connectName;
    } else if ((type.typeName === 'record' || type.typeName === 'error' || type.typeName === 'enum') && !schema.name) {
      schema.name = fullNameOf(type);
    }
    if (schema.name?.startsWith(DEFAULT_SCHEMA_FULL_NAME)) delete schema.name;
    if (defaultJson !== undefined && defaultJson !== null) {
      const value = defaultFromJson(schema, defaultJson);
      if (value !== undefined) schema.defaultValue = value;
    }
    return { schema, read: node.read };
  }
}

function withParameters(node: Node, parameters: Json): Node {
  const params: Record<string, string> = { ...(node.schema.parameters ?? {}) };
  for (const [k, v] of Object.entries(parameters)) if (typeof v === 'string') params[k] = v;
  return { schema: { ...node.schema, parameters: params }, read: node.read };
}

/**
 * An Avro JSON default as a Connect value (bytes and fixed are ISO-8859-1 text in Avro JSON). An
 * invalid default is ignored, as AvroData does after a warning: defaults only describe the schema here.
 */
function defaultFromJson(schema: Schema, json: unknown): unknown {
  try {
    return connectDefault(schema, json);
  } catch {
    return undefined;
  }
}

function connectDefault(schema: Schema, json: unknown): unknown {
  if (json === null) return null;
  switch (schema.name) {
    case LogicalName.DECIMAL:
      return decimalFromTwosComplement(Buffer.from(json as string, 'latin1'), Number(schema.parameters?.scale ?? 0));
    case LogicalName.DATE:
      return new Date((json as number) * MILLIS_PER_DAY);
    case LogicalName.TIME:
    case LogicalName.TIMESTAMP:
      return new Date(json as number);
  }
  switch (schema.type) {
    case SchemaType.BYTES:
      return new Uint8Array(Buffer.from(json as string, 'latin1'));
    case SchemaType.ARRAY:
      return (json as unknown[]).map((x) => connectDefault(schema.valueSchema as Schema, x));
    case SchemaType.MAP: {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(json as Json)) put(out, k, connectDefault(schema.valueSchema as Schema, v));
      return out;
    }
    case SchemaType.STRUCT: {
      if (schema.name === AVRO_TYPE_UNION || schema.parameters?.[GENERALIZED_TYPE_UNION]) return undefined;
      const out: Record<string, unknown> = {};
      for (const f of schema.fields ?? []) {
        const v = (json as Json)[f.name];
        put(out, f.name, v === undefined ? (f.schema.defaultValue ?? null) : connectDefault(f.schema, v));
      }
      return out;
    }
    default:
      if (typeof json === 'object') throw new DataError('not a primitive default');
      return json;
  }
}

/**
 * An Avro schema from the registry, with the schemas it references (Avro named types defined in other
 * subjects), compiled once: the avsc type that decodes the binary data, the Connect schema, and the
 * reader from avsc's values to Connect values.
 */
export function compileAvro(schemaText: string, references: readonly ResolvedReference[], options: AvroDataOptions): CompiledAvro {
  const registry: Record<string, avro.Type> = { long: LONG };
  const walk = new AvroSchemaWalk(options);
  const define = (refs: readonly ResolvedReference[]) => {
    for (const ref of refs) {
      define(ref.references);
      const json = parseJson(ref.schema, `Referenced schema ${ref.name}`);
      // a named type that an earlier reference already defined is defined once (avsc refuses duplicates)
      const name = isObject(json) && typeof json.name === 'string' ? json.name : undefined;
      if (name && registry[name]) continue;
      walk.define(forSchema(json, registry), json);
    }
  };
  define(references);
  const json = parseJson(schemaText, 'The schema');
  const type = forSchema(json, registry);
  const node = walk.node(type, json);
  return { schema: node.schema, type, read: node.read };
}

function forSchema(json: unknown, registry: Record<string, avro.Type>): avro.Type {
  try {
    return avro.Type.forSchema(json as avro.Schema, { wrapUnions: true, registry });
  } catch (error) {
    throw new DataError((error as Error).message);
  }
}

/** The binary payload of one record (without the wire-format header) to Connect data. */
export function readAvro(compiled: CompiledAvro, payload: Uint8Array): SchemaAndValue {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  let decoded: { value: unknown; offset: number };
  try {
    decoded = compiled.type.decode(buf, 0);
  } catch (error) {
    throw new DataError(`Error deserializing Avro message: ${(error as Error).message}`);
  }
  if (decoded.offset < 0) throw new DataError(`Error deserializing Avro message: the data ends before the record does (${buf.length} bytes)`);
  if (decoded.offset !== buf.length) {
    throw new DataError(
      `Error deserializing Avro message: ${buf.length - decoded.offset} bytes are left after the record (${decoded.offset} of ${buf.length} read); the writer's schema differs from the one registered under this id`,
    );
  }
  return { schema: compiled.schema, value: compiled.read(decoded.value) };
}
