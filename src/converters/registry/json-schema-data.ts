import { DataError, SchemaType, type Field, type Schema, type SchemaAndValue } from '../../plugin/index.js';
import { parseJsonBytes } from '../json-parse.js';
import { LogicalName } from '../json-to-connect.js';
import { decimalFromTwosComplement, decimalText } from '../../plugin/index.js';
import type { ResolvedReference } from './registry-client.js';

/**
 * JSON Schemas and JSON documents → Connect schemas and values, the way Confluent's JsonSchemaData maps
 * them with its default settings: an object with properties is a struct (property order, or
 * `connect.index`); `connect.type: map` objects are maps; integer is int64 and number float64 unless
 * `connect.type` says int8/16/32 or float32; a string with `connect.type: bytes` is base64 bytes; a
 * `title` names the schema (so Confluent's Connect logical types, Decimal, Date, Time and Timestamp,
 * come back from their titles); `oneOf`/`anyOf` with null (or `type: [T, "null"]`) is an optional T,
 * other unions a struct `io.confluent.connect.json.OneOf`; enum and const are strings. Properties are
 * required unless use.optional.for.nonrequired, but as in Confluent a property missing from a document
 * reads as null; an explicit null for a required one is an error. Unlike Jackson's lax accessors, a
 * value of the wrong JSON type is an error rather than a silent 0 or null. Local `$ref`s
 * (`#/definitions/…`, `#/$defs/…`) and references to other registered schemas (by their reference
 * name) are followed; recursive schemas are refused, as Connect schemas cannot be recursive.
 */

export interface JsonSchemaDataOptions {
  /** use.optional.for.nonrequired */
  readonly useOptionalForNonRequired: boolean;
  /** generalized.sum.type.support */
  readonly generalizedSumTypeSupport: boolean;
}

export interface CompiledJsonSchema {
  readonly schema: Schema;
  readonly read: (value: unknown) => unknown;
}

interface Node {
  readonly schema: Schema;
  /** converts a parsed JSON value that is neither null nor missing */
  readonly read: (value: unknown, path: string) => unknown;
}

type Json = Record<string, unknown>;
type MutableSchema = { -readonly [K in keyof Schema]: Schema[K] };

const JSON_TYPE_ONE_OF = 'io.confluent.connect.json.OneOf';
const JSON_TYPE_ENUM = 'io.confluent.connect.json.Enum';
const GENERALIZED_TYPE_UNION = 'org.apache.kafka.connect.data.Union';
const GENERALIZED_TYPE_ENUM = 'org.apache.kafka.connect.data.Enum';
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const MILLIS_PER_DAY = 86_400_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(path: string): string {
  return path === '' ? '' : ` at ${path}`;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'bigint') return 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

function mismatch(expected: string, value: unknown, path: string): DataError {
  return new DataError(`Expected ${expected}${at(path)}, found a JSON ${jsonType(value)}`);
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function integerIn(min: number, max: number, what: string) {
  return (value: unknown, path: string): number => {
    const n = typeof value === 'bigint' ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n;
    throw mismatch(`${what} (an integer in ${min}..${max})`, value, path);
  };
}

function int64(value: unknown, path: string): number | bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'number' && Number.isInteger(value)) return int64(BigInt(value), path);
  if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  throw mismatch('an int64', value, path);
}

function float(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw mismatch('a number', value, path);
}

/** A JSON number as exact decimal text at `scale` digits (Confluent reads it as a BigDecimal). */
function decimal(value: unknown, path: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (Number.isInteger(value)) return BigInt(value).toString();
    return String(value).includes('e') ? decimalFromExponent(String(value)) : String(value);
  }
  throw mismatch('a decimal number', value, path);
}

function decimalFromExponent(text: string): string {
  const [mantissa, exponent] = text.split('e');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = BigInt(whole + fraction) * (mantissa.startsWith('-') ? -1n : 1n);
  return decimalText(digits, fraction.length - Number(exponent));
}

class JsonSchemaWalk {
  readonly #open = new Set<unknown>();
  #unionIndex = 0;

  constructor(
    readonly root: Json | boolean,
    readonly references: ReadonlyMap<string, unknown>,
    readonly options: JsonSchemaDataOptions,
  ) {}

  node(json: unknown, forceOptional = false): Node {
    if (isObject(json) && typeof json.$ref === 'string') return this.#ref(json.$ref, forceOptional);
    if (
      json === true ||
      (isObject(json) && Object.keys(json).every((k) => !['type', 'properties', 'items', 'oneOf', 'anyOf', 'allOf', 'enum', 'const'].includes(k)))
    ) {
      throw new DataError('Schemas that accept any value ({} or true) have no Connect type; give the property a type');
    }
    if (!isObject(json)) throw new DataError(`Not a JSON Schema: ${JSON.stringify(json)}`);
    const built = this.#build(json);
    const schema: MutableSchema = { ...built.schema };
    if (typeof json.title === 'string' && schema.name === undefined) schema.name = json.title;
    if (typeof json['connect.version'] === 'number') schema.version = json['connect.version'];
    if (typeof json.description === 'string') schema.doc = json.description;
    if (isObject(json['connect.parameters'])) {
      const params: Record<string, string> = { ...(schema.parameters ?? {}) };
      for (const [k, v] of Object.entries(json['connect.parameters'])) if (typeof v === 'string') params[k] = v;
      schema.parameters = params;
    }
    if (forceOptional) schema.optional = true;
    const read = this.#logical(schema, built.read);
    if (Object.hasOwn(json, 'default') && json.default !== null) {
      try {
        schema.defaultValue = read(json.default, 'default');
      } catch {
        // an unusable default only describes the schema: ignored, as Confluent logs and ignores it
      }
    }
    return { schema, read };
  }

  /** Connect's logical types by their name (Confluent writes them as titles). */
  #logical(schema: Schema, read: Node['read']): Node['read'] {
    switch (schema.name) {
      case LogicalName.DECIMAL: {
        // a number, or (as JsonConverter writes it by default) base64 of the unscaled two's-complement value
        const scale = Number(schema.parameters?.scale ?? 0);
        return (v, path) => (typeof v === 'string' && BASE64_TEXT.test(v) ? decimalFromTwosComplement(Buffer.from(v, 'base64'), scale) : decimal(v, path));
      }
      case LogicalName.DATE:
        return (v, path) => new Date(Number(int64(v, path)) * MILLIS_PER_DAY);
      case LogicalName.TIME:
      case LogicalName.TIMESTAMP:
        return (v, path) => new Date(Number(int64(v, path)));
      default:
        return read;
    }
  }

  #ref(ref: string, forceOptional: boolean): Node {
    let target: unknown;
    if (ref.startsWith('#')) {
      target = ref === '#' ? this.root : pointer(this.root, ref.slice(1));
    } else {
      const [name, fragment] = ref.split('#');
      const document = this.references.get(name);
      if (document === undefined) throw new DataError(`$ref ${ref} names neither a local definition nor a reference of the schema`);
      target = fragment ? pointer(document, fragment) : document;
    }
    if (target === undefined) throw new DataError(`$ref ${ref} points at nothing`);
    if (this.#open.has(target)) throw new DataError(`Recursive JSON Schemas are not supported: ${ref} refers to itself`);
    this.#open.add(target);
    try {
      return this.node(target, forceOptional);
    } finally {
      this.#open.delete(target);
    }
  }

  #build(json: Json): Node {
    if (Array.isArray(json.enum) || Object.hasOwn(json, 'const')) return this.#enum(Array.isArray(json.enum) ? json.enum : [json.const]);
    const union = (json.oneOf ?? json.anyOf) as unknown[] | undefined;
    if (Array.isArray(union)) return this.#union(union);
    if (Array.isArray(json.allOf)) throw new DataError('allOf schemas are not supported by this converter');
    if (Array.isArray(json.type)) {
      const { type, ...rest } = json;
      return this.#union((type as unknown[]).map((t) => ({ ...rest, type: t })));
    }
    const connectType = json['connect.type'];
    switch (json.type) {
      case 'boolean':
        return { schema: { type: SchemaType.BOOLEAN, optional: false }, read: (v, path) => (typeof v === 'boolean' ? v : fail('true or false', v, path)) };
      case 'integer':
      case 'number':
        return this.#number(json.type, connectType);
      case 'string':
        if (connectType === 'bytes') {
          return {
            schema: { type: SchemaType.BYTES, optional: false },
            read: (v, path) => (typeof v === 'string' && BASE64_TEXT.test(v) ? new Uint8Array(Buffer.from(v, 'base64')) : fail('base64 text', v, path)),
          };
        }
        return { schema: { type: SchemaType.STRING, optional: false }, read: (v, path) => (typeof v === 'string' ? v : fail('a string', v, path)) };
      case 'array':
        return this.#array(json, connectType);
      case 'object':
        return connectType === 'map' ? this.#map(json) : this.#struct(json);
      case 'null':
        throw new DataError('A schema of type null alone has no Connect type');
      default:
        if (isObject(json.properties)) return this.#struct(json);
        throw new DataError(`Unsupported JSON Schema type ${JSON.stringify(json.type)}`);
    }
  }

  #number(type: 'integer' | 'number', connectType: unknown): Node {
    const of = (schemaType: SchemaType, read: Node['read']): Node => ({ schema: { type: schemaType, optional: false }, read });
    switch (connectType) {
      case 'int8':
        return of(SchemaType.INT8, integerIn(-128, 127, 'an int8'));
      case 'int16':
        return of(SchemaType.INT16, integerIn(-32768, 32767, 'an int16'));
      case 'int32':
        return of(SchemaType.INT32, integerIn(-2147483648, 2147483647, 'an int32'));
      case 'int64':
        return of(SchemaType.INT64, int64);
      case 'float32':
        return of(SchemaType.FLOAT32, float);
      case 'float64':
        return of(SchemaType.FLOAT64, float);
      case 'bytes': // Connect's Decimal, written as a JSON number
        return of(SchemaType.BYTES, decimal);
      default:
        return type === 'integer' ? of(SchemaType.INT64, int64) : of(SchemaType.FLOAT64, float);
    }
  }

  #enum(values: unknown[]): Node {
    const param = this.options.generalizedSumTypeSupport ? GENERALIZED_TYPE_ENUM : JSON_TYPE_ENUM;
    const parameters: Record<string, string> = { [param]: '' };
    values.forEach((v, i) => {
      const symbol = v === null ? 'null' : String(v);
      parameters[`${param}.${symbol}`] = this.options.generalizedSumTypeSupport ? String(i) : symbol;
    });
    return { schema: { type: SchemaType.STRING, optional: false, parameters }, read: (v) => String(v) };
  }

  #array(json: Json, connectType: unknown): Node {
    if (json.items === undefined || Array.isArray(json.items)) throw new DataError('Array schema did not specify the items type');
    const items = json.items;
    if (connectType === 'map' && isObject(items) && isObject(items.properties)) {
      const key = this.node((items.properties as Json).key);
      const value = this.node((items.properties as Json).value);
      return {
        schema: { type: SchemaType.MAP, optional: false, keySchema: key.schema, valueSchema: value.schema },
        read: (v, path) => {
          if (!Array.isArray(v)) throw mismatch('an array of {key, value} objects', v, path);
          return new Map(
            v.map((entry: unknown, i) => {
              if (!isObject(entry)) throw mismatch('a {key, value} object', entry, `${path}[${i}]`);
              return [readValue(key, entry.key, `${path}[${i}].key`), readValue(value, entry.value, `${path}[${i}].value`)];
            }),
          );
        },
      };
    }
    const element = this.node(items);
    return {
      schema: { type: SchemaType.ARRAY, optional: false, valueSchema: element.schema },
      read: (v, path) => {
        if (!Array.isArray(v)) throw mismatch('an array', v, path);
        // the vector case: float elements that are plain numbers stay the parsed array, no copy
        if (element.schema.type === SchemaType.FLOAT64 || element.schema.type === SchemaType.FLOAT32) {
          if (element.schema.name === undefined && v.every((x) => typeof x === 'number')) return v;
        }
        return v.map((x: unknown, i) => readValue(element, x, `${path}[${i}]`));
      },
    };
  }

  #map(json: Json): Node {
    const values = this.node(isObject(json.additionalProperties) ? json.additionalProperties : {});
    return {
      schema: { type: SchemaType.MAP, optional: false, keySchema: { type: SchemaType.STRING, optional: false }, valueSchema: values.schema },
      read: (v, path) => {
        if (!isObject(v)) throw mismatch('an object', v, path);
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) put(out, k, readValue(values, x, `${path}.${k}`));
        return out;
      },
    };
  }

  #struct(json: Json): Node {
    const properties = isObject(json.properties) ? json.properties : {};
    const required = new Set(Array.isArray(json.required) ? (json.required as unknown[]).map(String) : []);
    const ordered = Object.entries(properties)
      .map(([name, schema], position) => ({
        name,
        schema,
        order: isObject(schema) && typeof schema['connect.index'] === 'number' ? schema['connect.index'] : position,
      }))
      .sort((a, b) => a.order - b.order);
    const nodes = ordered.map(({ name, schema }) => ({
      name,
      node: this.node(schema, this.options.useOptionalForNonRequired && !required.has(name)),
    }));
    const fields: Field[] = nodes.map(({ name, node }, index) => ({ name, index, schema: node.schema }));
    return {
      schema: { type: SchemaType.STRUCT, optional: false, fields },
      read: (v, path) => {
        if (!isObject(v)) throw mismatch('an object', v, path);
        const out: Record<string, unknown> = {};
        for (const { name, node } of nodes) {
          const fieldPath = path === '' ? name : `${path}.${name}`;
          // a property missing from the document reads as null (or its default), whatever the schema says
          put(out, name, Object.hasOwn(v, name) ? readValue(node, v[name], fieldPath) : (node.schema.defaultValue ?? null));
        }
        return out;
      },
    };
  }

  #union(members: unknown[]): Node {
    const isNull = (m: unknown) => isObject(m) && m.type === 'null';
    const others = members.filter((m) => !isNull(m));
    if (members.length === 1) return this.node(members[0]);
    if (members.length === 2 && others.length === 1) return this.node(others[0], true);
    const generalized = this.options.generalizedSumTypeSupport;
    const name = generalized ? `connect_union_${this.#unionIndex++}` : JSON_TYPE_ONE_OF;
    const nodes = others.map((m) => this.node(m, true));
    const fieldName = (i: number) => (generalized ? `connect_union_field_${i}` : `${name}.field.${i}`);
    const fields: Field[] = nodes.map((node, i) => ({ name: fieldName(i), index: i, schema: node.schema }));
    const schema: Schema = {
      type: SchemaType.STRUCT,
      optional: others.length < members.length,
      name,
      fields,
      ...(generalized ? { parameters: { [GENERALIZED_TYPE_UNION]: name } } : {}),
    };
    const read = (v: unknown, path: string) => {
      const chosen = pickMember(nodes, v);
      if (chosen < 0) throw new DataError(`Did not find matching oneof field for data${at(path)}`);
      const out: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        out[f.name] = i === chosen ? nodes[i].read(v, path) : null;
      });
      return out;
    };
    return { schema, read };
  }
}

function fail(expected: string, value: unknown, path: string): never {
  throw mismatch(expected, value, path);
}

/** The first member whose type fits a simple value, else the struct member sharing most property names. */
function pickMember(nodes: readonly Node[], value: unknown): number {
  const fits: Record<string, (v: unknown) => boolean> = {
    [SchemaType.BOOLEAN]: (v) => typeof v === 'boolean',
    [SchemaType.STRING]: (v) => typeof v === 'string',
    [SchemaType.INT8]: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
    [SchemaType.INT16]: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
    [SchemaType.INT32]: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
    [SchemaType.INT64]: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
    [SchemaType.FLOAT32]: (v) => typeof v === 'number' || typeof v === 'bigint',
    [SchemaType.FLOAT64]: (v) => typeof v === 'number' || typeof v === 'bigint',
    [SchemaType.ARRAY]: (v) => Array.isArray(v),
  };
  const simple = nodes.findIndex((n) => fits[n.schema.type]?.(value));
  if (simple >= 0) return simple;
  if (!isObject(value)) return -1;
  let best = -1;
  let bestCount = 0;
  nodes.forEach((n, i) => {
    if (n.schema.type !== SchemaType.STRUCT && n.schema.type !== SchemaType.MAP) return;
    const count = n.schema.type === SchemaType.MAP ? 1 : (n.schema.fields ?? []).filter((f) => Object.hasOwn(value, f.name)).length;
    if (count > bestCount) [best, bestCount] = [i, count];
  });
  return best;
}

/** Confluent's toConnectData for a present value: null becomes the default, or null when optional, else an error. */
function readValue(node: Node, value: unknown, path: string): unknown {
  if (value === null || value === undefined) {
    if (node.schema.defaultValue !== undefined) return node.schema.defaultValue;
    if (value === undefined || node.schema.optional) return null;
    throw new DataError(`Invalid null value for required ${node.schema.type.toUpperCase()} field${at(path)}`);
  }
  return node.read(value, path);
}

/** RFC 6901 JSON pointer (`/definitions/Vec`) into a document. */
function pointer(document: unknown, path: string): unknown {
  let current = document;
  for (const raw of path.split('/').slice(1)) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Json)[token];
  }
  return current;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** A JSON Schema from the registry, with the schemas its `$ref`s name (its references), compiled once. */
export function compileJsonSchema(schemaText: string, references: readonly ResolvedReference[], options: JsonSchemaDataOptions): CompiledJsonSchema {
  const documents = new Map<string, unknown>();
  const collect = (refs: readonly ResolvedReference[]) => {
    for (const ref of refs) {
      collect(ref.references);
      documents.set(ref.name, parseJson(ref.schema, `Referenced schema ${ref.name}`));
    }
  };
  collect(references);
  const root = parseJson(schemaText, 'The schema');
  if (!isObject(root) && typeof root !== 'boolean') throw new DataError('The schema is not a JSON object');
  const node = new JsonSchemaWalk(root, documents, options).node(root);
  return { schema: node.schema, read: (value) => readValue(node, value, '') };
}

/** One record's payload (without the 5-byte header): a JSON document, parsed without losing int64 precision. */
export function readJsonSchema(compiled: CompiledJsonSchema, payload: Uint8Array): SchemaAndValue {
  let json: unknown;
  try {
    json = parseJsonBytes(payload);
  } catch (error) {
    throw new DataError(`Error deserializing JSON message: ${(error as Error).message}`);
  }
  return { schema: compiled.schema, value: compiled.read(json === undefined ? null : json) };
}
