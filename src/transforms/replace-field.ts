import { ConfigDef, ConfigType, Importance, type Schema, type SinkRecord, type Transformation } from '../plugin/index.js';
import { invalidList, javaSplit, REPLACE_NULL_WITH_DEFAULT_KEY } from './util/config.js';
import { fieldOf, requireMap, requireStruct, SchemaCache, schemaBasics, setOwn, structGet, structSchema } from './util/connect-data.js';
import { keyValueDoc, keyValuePlugins } from './util/plugins.js';
import { operatingSchema, operatingValue, withPart, type RecordPart } from './util/record-part.js';

export const REPLACE_FIELD_OVERVIEW_DOC = `Filter or rename fields.${keyValueDoc('ReplaceField')}`;

const PURPOSE = 'field replacement';

function parseRenameMappings(mappings: readonly string[]): Map<string, string> {
  const renames = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    if (parts.length !== 2) throw invalidList('renames', mappings, `Invalid rename mapping: ${mapping}`);
    renames.set(parts[0], parts[1]);
  }
  return renames;
}

export const REPLACE_FIELD_CONFIG_DEF = new ConfigDef([
  {
    name: 'exclude',
    type: ConfigType.LIST,
    defaultValue: [],
    importance: Importance.MEDIUM,
    documentation: 'Fields to exclude. This takes precedence over the fields to include.',
  },
  {
    name: 'include',
    type: ConfigType.LIST,
    defaultValue: [],
    importance: Importance.MEDIUM,
    documentation: 'Fields to include. If specified, only these fields will be used.',
  },
  {
    name: 'renames',
    type: ConfigType.LIST,
    defaultValue: [],
    validator: (_name, value) => void parseRenameMappings((value as string[] | null) ?? []),
    importance: Importance.MEDIUM,
    documentation: 'Field rename mappings.',
  },
  REPLACE_NULL_WITH_DEFAULT_KEY,
]);

/** org.apache.kafka.connect.transforms.ReplaceField$Key / $Value: keeps, drops and renames fields. */
export class ReplaceField implements Transformation {
  #exclude = new Set<string>();
  #include = new Set<string>();
  #renames = new Map<string, string>();
  #reverse = new Map<string, string>();
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  constructor(readonly part: RecordPart) {}

  config(): ConfigDef {
    return REPLACE_FIELD_CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const config = REPLACE_FIELD_CONFIG_DEF.parse(props);
    this.#exclude = new Set(config.getList('exclude'));
    this.#include = new Set(config.getList('include'));
    this.#renames = parseRenameMappings(config.getList('renames'));
    this.#reverse = new Map([...this.#renames].map(([from, to]) => [to, from]));
    this.#replaceNullWithDefault = config.getBoolean('replace.null.with.default');
  }

  #kept(name: string): boolean {
    return !this.#exclude.has(name) && (this.#include.size === 0 || this.#include.has(name));
  }

  #renamed(name: string): string {
    return this.#renames.get(name) ?? name;
  }

  apply(record: SinkRecord): SinkRecord {
    const value = operatingValue(record, this.part);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.part);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const entries: Iterable<[unknown, unknown]> = map instanceof Map ? map.entries() : Object.entries(map);
      const updated: Record<string, unknown> = {};
      for (const [key, fieldValue] of entries) {
        const name = String(key);
        if (this.#kept(name)) setOwn(updated, this.#renamed(name), fieldValue);
      }
      return withPart(record, this.part, null, updated);
    }
    const struct = requireStruct(value, schema, PURPOSE);
    const updatedSchema = this.#schemas.get(schema, (s) => this.#updatedSchema(s));
    const updated: Record<string, unknown> = {};
    for (const field of updatedSchema.fields ?? []) {
      const source = fieldOf(schema, this.#reverse.get(field.name) ?? field.name);
      setOwn(updated, field.name, source ? structGet(struct, source, this.#replaceNullWithDefault) : null);
    }
    return withPart(record, this.part, updatedSchema, updated);
  }

  #updatedSchema(schema: Schema): Schema {
    const fields = (schema.fields ?? []).filter((f) => this.#kept(f.name)).map((f) => [this.#renamed(f.name), f.schema] as const);
    return structSchema(fields, schemaBasics(schema));
  }
}

export const replaceFieldPlugins = keyValuePlugins('ReplaceField', REPLACE_FIELD_OVERVIEW_DOC, (part) => new ReplaceField(part));
