import protobuf from 'protobufjs';
import { DataError, SchemaType, type Field, type Schema, type SchemaAndValue } from '../../plugin/index.js';
import { LogicalName } from '../json-to-connect.js';
import { decimalFromTwosComplement } from '../../plugin/index.js';
import type { ResolvedReference } from './registry-client.js';
import { readMessageIndexes } from './wire-format.js';

/**
 * Protobuf schemas and messages → Connect schemas and values, the way Confluent's ProtobufData maps
 * them with its default settings: a message is a struct named by the message's name; every field is
 * optional and carries its tag as the `protobuf.tag` parameter; scalars that are not set read as
 * their default (0, "", false), message fields as null; a repeated field is an array, a map field a
 * map; a oneof is a field `<oneof>_<index>` holding a struct `io.confluent.connect.protobuf.Union.<oneof>`;
 * an enum is a string named after the enum, its numbers as parameters; 32-bit unsigned and all 64-bit
 * integers are int64 (uint64 keeps its bits, as Java's long does). Logical types:
 * google.protobuf.Timestamp → Timestamp, google.type.Date → Date, google.type.TimeOfDay → Time,
 * confluent.type.Decimal → Decimal. Decoding is protobufjs'.
 */

export interface ProtobufDataOptions {
  /** enhanced.protobuf.schema.support: full names for structs and enums */
  readonly enhancedSchemaSupport: boolean;
  /** int.for.enums: enums as int32 */
  readonly intForEnums: boolean;
  /** generate.index.for.unions: a oneof's field name ends with its index */
  readonly generateIndexForUnions: boolean;
}

export interface CompiledProtobuf {
  /** message indexes (joined by ',') → the message's Connect schema and reader, built when first seen */
  readonly messages: Map<string, MessageReader>;
  readonly resolve: (indexes: readonly number[]) => MessageReader;
}

interface MessageReader {
  readonly type: protobuf.Type;
  readonly schema: Schema;
  readonly read: (message: protobuf.Message) => unknown;
}

interface Node {
  readonly schema: Schema;
  readonly read: (value: unknown) => unknown;
}

const PROTOBUF_TYPE_ENUM = 'io.confluent.connect.protobuf.Enum';
const PROTOBUF_TYPE_UNION_PREFIX = 'io.confluent.connect.protobuf.Union.';
const PROTOBUF_TYPE_TAG = 'protobuf.tag';
const PROTOBUF_TYPE_PROP = 'protobuf.type';
const MAP_ENTRY_SUFFIX = 'Entry';

/** Files Confluent's registry knows without a reference, which protobufjs does not ship. */
const BUILTIN_FILES: Readonly<Record<string, string>> = {
  'google/type/date.proto': 'syntax = "proto3"; package google.type; message Date { int32 year = 1; int32 month = 2; int32 day = 3; }',
  'google/type/timeofday.proto':
    'syntax = "proto3"; package google.type; message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }',
  'confluent/type/decimal.proto': 'syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
  'confluent/meta.proto': 'syntax = "proto3"; package confluent; message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }',
};

const identity = (v: unknown) => v;
/** a copy (no view of the fetched record); protobufjs' default for unset bytes is an empty array */
const copyBytes = (v: unknown) => (v instanceof Uint8Array ? Uint8Array.prototype.slice.call(v) : new Uint8Array(v as number[]));

/** A protobufjs Long (or number) as the plugin API's int64: a number when exact, else a bigint. */
function int64(value: unknown): number | bigint {
  if (typeof value === 'number') return value;
  const long = value as { low: number; high: number };
  // Java's long: the 64 bits as a signed value, also for uint64 and fixed64
  const n = BigInt.asIntN(64, (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0));
  return Number.isSafeInteger(Number(n)) ? Number(n) : n;
}

function simple(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

function fullName(reflection: protobuf.ReflectionObject): string {
  return reflection.fullName.replace(/^\./, '');
}

/** Guava's UPPER_CAMEL → LOWER_UNDERSCORE: a word starts at each capital but the first (`MyTags` → `my_tags`). */
function lowerUnderscore(upperCamel: string): string {
  return upperCamel.replace(/(?!^)([A-Z])/g, '_$1').toLowerCase();
}

/**
 * The name Confluent's toMapField gives a map: its entry message's name without `Entry`, in lower
 * underscore (`TagsEntry` → `tags`), qualified like the entry under enhanced.protobuf.schema.support. A
 * `map<…>` field's entry is named by Confluent's toMapEntry: the field name, camel-cased if it has an
 * underscore, plus `Entry` (`my_tags` → `MyTagsEntry` → `my_tags`).
 */
function mapSchemaName(entryName: string): string {
  const dot = entryName.lastIndexOf('.');
  const last = entryName.slice(dot + 1);
  const stripped = last.endsWith(MAP_ENTRY_SUFFIX) ? lowerUnderscore(last.slice(0, -MAP_ENTRY_SUFFIX.length)) : last;
  return entryName.slice(0, dot + 1) + stripped;
}

function mapEntryName(fieldName: string): string {
  const camel = fieldName.includes('_')
    ? fieldName.replace(/_+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^[a-z]/, (c) => c.toUpperCase())
    : fieldName;
  return camel + MAP_ENTRY_SUFFIX;
}

/** A proto2 group's message type: protobufjs' parser marks it (its typings do not declare the flag). */
function isGroup(type: protobuf.Type): boolean {
  return Reflect.get(type, 'group') === true;
}

/**
 * ProtobufData's isMapDescriptor: a repeated field of a message named `…Entry` with exactly the fields
 * `key` and `value`, neither repeated, is a map. Schemas registered from generated classes spell a
 * `map<…>` field that way (`repeated .pkg.Msg.TagsEntry tags` and a nested `message TagsEntry`).
 */
function isMapEntry(field: protobuf.Field): field is protobuf.Field & { resolvedType: protobuf.Type } {
  const type = field.resolvedType;
  if (!field.repeated || !(type instanceof protobuf.Type) || !type.name.endsWith(MAP_ENTRY_SUFFIX)) return false;
  const [key, value, ...more] = type.fieldsArray;
  return more.length === 0 && key?.name === 'key' && value?.name === 'value' && !key.repeated && !value.repeated;
}

function withTag(node: Node, field: protobuf.Field): Node {
  return {
    schema: { ...node.schema, optional: true, parameters: { ...(node.schema.parameters ?? {}), [PROTOBUF_TYPE_TAG]: String(field.id) } },
    read: node.read,
  };
}

class ProtobufSchemaWalk {
  readonly #open = new Set<string>();
  constructor(readonly options: ProtobufDataOptions) {}

  message(type: protobuf.Type): MessageReader {
    const node = this.#struct(type);
    return { type, schema: node.schema, read: node.read as (m: protobuf.Message) => unknown };
  }

  #struct(type: protobuf.Type): Node {
    const name = fullName(type);
    if (this.#open.has(name)) throw new DataError(`Recursive Protobuf messages are not supported: ${name} contains itself`);
    this.#open.add(name);
    try {
      const fields: Field[] = [];
      const readers: ((message: Record<string, unknown>, out: Record<string, unknown>) => void)[] = [];
      const add = (fieldName: string, schema: Schema) => fields.push({ name: fieldName, index: fields.length, schema });
      // Confluent lists the real oneofs first, then the other fields
      const realOneofs = type.oneofsArray.filter((oneof) => !oneof.fieldsArray.every((f) => f.options?.proto3_optional));
      realOneofs.forEach((oneof, index) => {
        const fieldName = this.options.generateIndexForUnions ? `${oneof.name}_${index}` : oneof.name;
        const members = oneof.fieldsArray.map((f) => ({ field: f, node: this.#field(f) }));
        const schema: Schema = {
          type: SchemaType.STRUCT,
          optional: true,
          name: `${PROTOBUF_TYPE_UNION_PREFIX}${this.options.enhancedSchemaSupport ? fullName(oneof) : oneof.name}`,
          fields: members.map((m, i) => ({ name: m.field.name, index: i, schema: m.node.schema })),
        };
        add(fieldName, schema);
        readers.push((message, out) => {
          const chosen = message[oneof.name] as string | undefined;
          const member = members.find((m) => m.field.name === chosen);
          if (!member) {
            out[fieldName] = null;
            return;
          }
          const union: Record<string, unknown> = {};
          for (const m of members) union[m.field.name] = m === member ? member.node.read(message[chosen as string]) : null;
          out[fieldName] = union;
        });
      });
      for (const field of type.fieldsArray) {
        if (field.partOf && realOneofs.includes(field.partOf)) continue;
        const node = this.#field(field);
        add(field.name, node.schema);
        const presence = field.options?.proto3_optional === true || (!field.repeated && !field.map && field.resolvedType instanceof protobuf.Type);
        readers.push((message, out) => {
          // a message field that is not set, or a proto3 `optional` one, reads as null; other scalars as their default
          const value = presence && !Object.hasOwn(message, field.name) ? null : message[field.name];
          out[field.name] = value === null || value === undefined ? null : node.read(value);
        });
      }
      const schema: Schema = { type: SchemaType.STRUCT, optional: false, name: this.options.enhancedSchemaSupport ? name : simple(name), fields };
      const read = (value: unknown) => {
        const out: Record<string, unknown> = {};
        for (const reader of readers) reader(value as Record<string, unknown>, out);
        return out;
      };
      return { schema, read };
    } finally {
      this.#open.delete(name);
    }
  }

  #mapName(entryName: string, parent: protobuf.Type | null): string {
    return mapSchemaName(this.options.enhancedSchemaSupport && parent ? `${fullName(parent)}.${entryName}` : entryName);
  }

  #field(field: protobuf.Field): Node {
    if (field.map) {
      const mapField = field as unknown as protobuf.MapField;
      const key = withTag(this.#scalar(mapField.keyType, field), { id: 1 } as protobuf.Field);
      const value = withTag(this.#valueOf(field), { id: 2 } as protobuf.Field);
      const name = this.#mapName(mapEntryName(field.name), field.parent instanceof protobuf.Type ? field.parent : null);
      const schema: Schema = { type: SchemaType.MAP, optional: true, name, keySchema: key.schema, valueSchema: value.schema };
      // protobufjs keys a map by the key's text (a Long key by its 8-byte form; read through its own decode)
      const read = (v: unknown) => {
        const out = new Map<unknown, unknown>();
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.set(mapKey(mapField.keyType, k), value.read(x));
        return out;
      };
      return withTag({ schema, read }, field);
    }
    if (isMapEntry(field)) return withTag(this.#entryMap(field.resolvedType), field);
    const element = this.#valueOf(field);
    if (field.repeated) {
      const item = { ...element.schema, optional: true };
      const read = element.read === identity ? identity : (v: unknown) => (v as unknown[]).map(element.read);
      return withTag({ schema: { type: SchemaType.ARRAY, optional: true, valueSchema: item }, read }, field);
    }
    return withTag(element, field);
  }

  /** A map written as its entry messages: each entry's key and value, read as fields. */
  #entryMap(entry: protobuf.Type): Node {
    const [keyField, valueField] = entry.fieldsArray;
    const key = this.#field(keyField);
    const value = this.#field(valueField);
    const name = this.#mapName(entry.name, entry.parent instanceof protobuf.Type ? entry.parent : null);
    const schema: Schema = { type: SchemaType.MAP, optional: true, name, keySchema: key.schema, valueSchema: value.schema };
    const read = (v: unknown) => {
      const out = new Map<unknown, unknown>();
      for (const item of v as Array<Record<string, unknown>>) {
        const k = item[keyField.name];
        const x = item[valueField.name];
        out.set(k === null || k === undefined ? null : key.read(k), x === null || x === undefined ? null : value.read(x));
      }
      return out;
    };
    return { schema, read };
  }

  /** The schema and reader of one value of the field's type (an element, for a repeated field). */
  #valueOf(field: protobuf.Field): Node {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Enum) return this.#enum(resolved);
    if (resolved instanceof protobuf.Type) return this.#messageField(resolved);
    return this.#scalar(field.type, field);
  }

  #scalar(typeName: string, field: protobuf.Field): Node {
    const typed = (type: SchemaType, read: (v: unknown) => unknown = identity, protobufType?: string): Node => ({
      schema: { type, optional: false, ...(protobufType ? { parameters: { [PROTOBUF_TYPE_PROP]: protobufType } } : {}) },
      read,
    });
    switch (typeName) {
      case 'int32':
        return typed(SchemaType.INT32);
      case 'sint32':
      case 'sfixed32':
        return typed(SchemaType.INT32, identity, typeName);
      case 'uint32':
      case 'fixed32':
        return typed(SchemaType.INT64, (v) => (v as number) >>> 0, typeName);
      case 'int64':
        return typed(SchemaType.INT64, int64);
      case 'uint64':
      case 'sint64':
      case 'fixed64':
      case 'sfixed64':
        return typed(SchemaType.INT64, int64, typeName);
      case 'float':
        return typed(SchemaType.FLOAT32);
      case 'double':
        return typed(SchemaType.FLOAT64);
      case 'bool':
        return typed(SchemaType.BOOLEAN);
      case 'string':
        return typed(SchemaType.STRING);
      case 'bytes':
        return typed(SchemaType.BYTES, copyBytes);
      default:
        throw new DataError(`Unknown Protobuf type ${typeName} of field ${field.name}`);
    }
  }

  #enum(type: protobuf.Enum): Node {
    const parameters: Record<string, string> = { [PROTOBUF_TYPE_ENUM]: type.name };
    for (const [symbol, number] of Object.entries(type.values)) parameters[`${PROTOBUF_TYPE_ENUM}.${symbol}`] = String(number);
    const name = this.options.enhancedSchemaSupport ? fullName(type) : type.name;
    if (this.options.intForEnums) return { schema: { type: SchemaType.INT32, optional: false, name, parameters }, read: identity };
    // an open (proto3) enum may hold a number it does not declare: named as Java's protobuf names it
    const read = (v: unknown) => type.valuesById[v as number] ?? `UNKNOWN_ENUM_VALUE_${type.name}_${String(v)}`;
    return { schema: { type: SchemaType.STRING, optional: false, name, parameters }, read };
  }

  #messageField(type: protobuf.Type): Node {
    switch (fullName(type)) {
      case 'google.protobuf.Timestamp':
        return {
          schema: { type: SchemaType.INT64, optional: false, name: LogicalName.TIMESTAMP, version: 1 },
          read: (v) => {
            const m = v as { seconds?: unknown; nanos?: number };
            return new Date(Number(int64(m.seconds ?? 0)) * 1000 + Math.floor((m.nanos ?? 0) / 1e6));
          },
        };
      case 'google.type.Date':
        return {
          schema: { type: SchemaType.INT32, optional: false, name: LogicalName.DATE, version: 1 },
          read: (v) => {
            const m = v as { year?: number; month?: number; day?: number };
            return new Date(Date.UTC(m.year ?? 0, (m.month ?? 1) - 1, m.day ?? 1));
          },
        };
      case 'google.type.TimeOfDay':
        return {
          schema: { type: SchemaType.INT32, optional: false, name: LogicalName.TIME, version: 1 },
          read: (v) => {
            const m = v as { hours?: number; minutes?: number; seconds?: number; nanos?: number };
            return new Date(((m.hours ?? 0) * 3600 + (m.minutes ?? 0) * 60 + (m.seconds ?? 0)) * 1000 + Math.floor((m.nanos ?? 0) / 1e6));
          },
        };
      case 'confluent.type.Decimal':
        return {
          schema: { type: SchemaType.BYTES, optional: false, name: LogicalName.DECIMAL, version: 1, parameters: { scale: '0' } },
          read: (v) => {
            const m = v as { value?: Uint8Array; scale?: number };
            return decimalFromTwosComplement(m.value ?? new Uint8Array(0), m.scale ?? 0);
          },
        };
      default:
        return this.#struct(type);
    }
  }
}

/** A protobufjs map key (object keys are text) back to the key type's value. */
function mapKey(keyType: string, key: string): unknown {
  switch (keyType) {
    case 'string':
      return key;
    case 'bool':
      return key === 'true';
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64': {
      const n = BigInt.asIntN(64, BigInt(protobuf.util.longFromHash(key, keyType === 'uint64' || keyType === 'fixed64').toString()));
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case 'uint32':
    case 'fixed32':
      return Number(key) >>> 0;
    default:
      return Number(key);
  }
}

function parseFile(source: string, root: protobuf.Root, what: string): protobuf.IParserResult {
  try {
    return protobuf.parse(source, root, { keepCase: true });
  } catch (error) {
    throw new DataError(`${what} is not a Protobuf schema protobufjs can parse: ${(error as Error).message}`);
  }
}

/**
 * A Protobuf schema file from the registry, with the files it imports (its references; Google's and
 * Confluent's well-known files need none), compiled: each message reader is built the first time a
 * record names its message.
 */
export function compileProtobuf(schemaText: string, references: readonly ResolvedReference[], options: ProtobufDataOptions): CompiledProtobuf {
  const root = new protobuf.Root();
  const loaded = new Set<string>();
  const load = (name: string, source: string, refs: readonly ResolvedReference[]) => {
    if (loaded.has(name)) return;
    loaded.add(name);
    for (const ref of refs) load(ref.name, ref.schema, ref.references);
    const result = parseFile(source, root, name === '' ? 'The schema' : `Referenced file ${name}`);
    for (const imported of [...(result.imports ?? []), ...(result.weakImports ?? [])]) {
      if (loaded.has(imported) || refs.some((r) => r.name === imported)) continue;
      const common = protobuf.common.get(imported);
      if (common?.nested) {
        loaded.add(imported);
        root.addJSON(common.nested);
      } else if (BUILTIN_FILES[imported]) {
        load(imported, BUILTIN_FILES[imported], []);
      } else {
        throw new DataError(`The schema imports ${imported}, which is neither one of its references nor a well-known file`);
      }
    }
  };
  load('', schemaText, references);
  try {
    root.resolveAll();
  } catch (error) {
    throw new DataError(`The schema does not resolve: ${(error as Error).message}`);
  }
  // the file's own top-level messages, in declaration order: what message index 0, 1 … point at
  const own = parseFile(schemaText, new protobuf.Root(), 'The schema');
  const pkg = own.package ? own.root.lookup(own.package) : own.root;
  const topLevel = ((pkg as protobuf.Namespace | null)?.nestedArray ?? []).filter((n): n is protobuf.Type => n instanceof protobuf.Type).map(fullName);
  if (topLevel.length === 0) throw new DataError('The schema defines no message');
  const walk = new ProtobufSchemaWalk(options);
  const messages = new Map<string, MessageReader>();
  const resolve = (indexes: readonly number[]): MessageReader => {
    const key = indexes.join(',');
    const known = messages.get(key);
    if (known) return known;
    const first = topLevel[indexes[0]];
    if (first === undefined) throw new DataError(`Message index ${indexes[0]} is out of range: the schema has ${topLevel.length} top-level messages`);
    let type = root.lookupType(first);
    for (const index of indexes.slice(1)) {
      // Confluent counts the nested messages of the schema text (Wire's nestedTypes): a `map<…>` field adds
      // none, an entry message written out counts where it is written, a proto2 group is no nested type
      const nested = type.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type && !isGroup(n));
      if (nested[index] === undefined)
        throw new DataError(`Message indexes [${indexes.join(', ')}] point at no message: ${fullName(type)} has ${nested.length} nested messages`);
      type = nested[index];
    }
    const reader = walk.message(type);
    messages.set(key, reader);
    return reader;
  };
  resolve([0]); // a schema whose first message cannot be mapped fails here, once, instead of per record
  return { messages, resolve };
}

/** One record's payload (without the 5-byte header): message indexes, then the message. */
export function readProtobuf(compiled: CompiledProtobuf, payload: Uint8Array): SchemaAndValue {
  const { indexes, message } = readMessageIndexes(payload);
  const reader = compiled.resolve(indexes);
  let decoded: protobuf.Message;
  try {
    decoded = reader.type.decode(message);
  } catch (error) {
    throw new DataError(`Error deserializing Protobuf message of type ${fullName(reader.type)}: ${(error as Error).message}`);
  }
  return { schema: reader.schema, value: reader.read(decoded) };
}
