import {
  ConfigDef,
  ConfigType,
  DataError,
  Importance,
  type SchemaType,
  Validators,
  type Schema,
  type SinkRecord,
  type Transformation,
} from '../plugin/index.js';
import { nonEmptyList, REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import { copyMap, isMap, javaClassName, LogicalName, mapGet, mapSet, requireMap, requireStruct, setOwn, structGet } from './util/connect-data.js';
import { bigDecimalLongValue, int64Value, JavaNumberFormatError, parseBigDecimal } from './util/java-numbers.js';
import { keyValuePlugins, TRANSFORMS_PACKAGE } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const MASK_FIELD_OVERVIEW_DOC =
  'Mask specified fields with a valid null value for the field type (i.e. 0, false, empty string, and so on).' +
  '<p/>For numeric and string fields, an optional replacement value can be specified that is converted to the correct type.' +
  `<p/>Use the concrete transformation type designed for the record key (<code>${TRANSFORMS_PACKAGE}.MaskField$Key</code>) or value (<code>${TRANSFORMS_PACKAGE}.MaskField$Value</code>).`;

const PURPOSE = 'mask fields';

export const MASK_FIELD_CONFIG_DEF = new ConfigDef([
  { name: 'fields', type: ConfigType.LIST, validator: nonEmptyList(), importance: Importance.HIGH, documentation: 'Names of fields to mask.' },
  {
    name: 'replacement',
    type: ConfigType.STRING,
    defaultValue: null,
    validator: Validators.nonEmptyString(),
    importance: Importance.LOW,
    documentation: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
  },
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

/** The Java class of a value (from its schema when there is one), which decides how it is masked. */
type Kind = 'boolean' | 'byte' | 'short' | 'int' | 'long' | 'float' | 'double' | 'decimal' | 'date' | 'string' | 'list' | 'map' | 'other';

function kindOf(value: unknown, schema: Schema | null): Kind {
  if (schema) {
    if (schema.name === LogicalName.DECIMAL) return 'decimal';
    if (schema.name === LogicalName.DATE || schema.name === LogicalName.TIME || schema.name === LogicalName.TIMESTAMP) return 'date';
    const byType: Partial<Record<SchemaType, Kind>> = {
      boolean: 'boolean',
      int8: 'byte',
      int16: 'short',
      int32: 'int',
      int64: 'long',
      float32: 'float',
      float64: 'double',
      string: 'string',
      array: 'list',
      map: 'map',
    };
    return byType[schema.type] ?? 'other';
  }
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'bigint') return 'long';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'list';
  if (isMap(value)) return 'map';
  return 'other';
}

function nullValue(value: unknown, schema: Schema | null): unknown {
  switch (kindOf(value, schema)) {
    case 'boolean':
      return false;
    case 'byte':
    case 'short':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 0;
    case 'decimal':
      return '0';
    case 'date':
      return new Date(0);
    case 'string':
      return '';
    case 'list':
      return [];
    case 'map':
      return value instanceof Map ? new Map() : {};
    default:
      throw new DataError(`Cannot mask value of type: class ${javaClassName(value, schema)}`);
  }
}

/** Kafka's Values.convertTo<type>(null, replacement) for the value's type: text read as a BigDecimal, then narrowed. */
function replacementValue(value: unknown, schema: Schema | null, replacement: string): unknown {
  const kind = kindOf(value, schema);
  try {
    switch (kind) {
      case 'byte':
        return Number(BigInt.asIntN(8, bigDecimalLongValue(replacement)));
      case 'short':
        return Number(BigInt.asIntN(16, bigDecimalLongValue(replacement)));
      case 'int':
        return Number(BigInt.asIntN(32, bigDecimalLongValue(replacement)));
      case 'long':
        return int64Value(bigDecimalLongValue(replacement));
      case 'float':
        return Math.fround(Number(parseBigDecimal(replacement)));
      case 'double':
        return Number(parseBigDecimal(replacement));
      case 'decimal':
        return parseBigDecimal(replacement);
      case 'string':
        return replacement;
      default:
        throw new DataError(`Cannot mask value of type class ${javaClassName(value, schema)} with custom replacement.`);
    }
  } catch (error) {
    if (!(error instanceof JavaNumberFormatError)) throw error;
    if (kind === 'decimal') throw new DataError(`Unable to convert ${replacement} (class java.lang.String) to number`, { cause: error });
    throw new DataError(`Unable to convert ${replacement} (class java.lang.String) to a number`, { cause: error });
  }
}

/**
 * org.apache.kafka.connect.transforms.MaskField$Key / $Value: the named fields become the empty value
 * of their type (0, false, "", an empty list or map, the epoch), or the configured replacement.
 */
export class MaskField implements Transformation {
  #fields = new Set<string>();
  #replacement: string | null = null;
  #replaceNullWithDefault = true;

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return MASK_FIELD_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = MASK_FIELD_CONFIG_DEF.parse(props);
    this.#fields = new Set(config.getList('fields'));
    this.#replacement = config.getString('replacement');
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
  }

  apply(record: SinkRecord): SinkRecord {
    const schema = operatingSchema(record, this.part);
    const value = operatingValue(record, this.part);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const updated = copyMap(map);
      for (const field of this.#fields) mapSet(updated, field, this.#masked(mapGet(map, field), null));
      return withPart(record, this.part, null, updated);
    }
    const struct = requireStruct(value, schema, PURPOSE);
    const updated: Record<string, unknown> = {};
    for (const field of schema.fields ?? []) {
      const original = structGet(struct, field, this.#replaceNullWithDefault);
      setOwn(updated, field.name, this.#fields.has(field.name) ? this.#masked(original, field.schema) : original);
    }
    return withPart(record, this.part, schema, updated);
  }

  #masked(value: unknown, schema: Schema | null): unknown {
    if (value === null || value === undefined) return null;
    return this.#replacement === null ? nullValue(value, schema) : replacementValue(value, schema, this.#replacement);
  }
}

export const maskFieldPlugins = keyValuePlugins('MaskField', MASK_FIELD_OVERVIEW_DOC, (part) => new MaskField(part));
