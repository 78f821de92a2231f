/**
 * Renders docs/configuration.md from the ConfigDefs themselves, so the reference can never drift from
 * what the worker parses and the validate endpoint reports (each key is declared once, as data).
 *
 *   npm run docs:config            rewrite docs/configuration.md
 *   npm run docs:config -- --check exit 1 when the committed file is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigDef, ConfigType, renderValue, type ConfigKey } from '../src/plugin/index.js';
import { DISTRIBUTED_KEYS, WORKER_CONFIG_DEF } from '../src/runtime/config/worker-config.js';
import { SINK_CONNECTOR_CONFIG_DEF } from '../src/runtime/config/connector-config.js';
import { MILVUS_SINK_CONFIG_DEF } from '../src/connectors/milvus/milvus-sink-config.js';
import {
  AVRO_CONVERTER_CONFIG_DEF,
  JSON_CONVERTER_CONFIG_DEF,
  JSON_SCHEMA_CONVERTER_CONFIG_DEF,
  PROTOBUF_CONVERTER_CONFIG_DEF,
  STRING_CONVERTER_CONFIG_DEF,
} from '../src/converters/index.js';
import { builtinPredicates, builtinTransformations } from '../src/transforms/index.js';

export const CONFIGURATION_DOC = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

function cell(text: string | null | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function defaultOf(def: ConfigDef, key: ConfigKey): string {
  if (key.defaultValue === undefined) return '*required*';
  const rendered = renderValue(def.defaultValue(key), key.type);
  if (rendered === null) return 'null';
  if (rendered === '') return '""';
  return `\`${rendered}\``;
}

function table(def: ConfigDef): string {
  const rows = [...def.keys.values()]
    .filter((key) => !key.internal)
    .map((key) => {
      const type = key.type === ConfigType.PASSWORD ? 'PASSWORD (shown as `[hidden]`)' : key.type;
      return `| \`${key.name}\` | ${type} | ${defaultOf(def, key)} | ${cell(key.documentation)} |`;
    });
  return ['| key | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

/** Kafka's OVERVIEW_DOC as Markdown: its `<p/>` breaks become paragraphs. */
function overview(documentation: string): string {
  return documentation.replace(/<p\/>/g, '\n\n').replace(/<code>(.*?)<\/code>/g, '`$1`');
}

/** One section per transformation or predicate; a `$Key`/`$Value` pair shares one. */
function components(plugins: ReadonlyArray<{ className: string; documentation: string; create(): { config(): ConfigDef } }>): string {
  const sections: string[] = [];
  const seen = new Set<string>();
  for (const plugin of plugins) {
    const base = plugin.className.replace(/\$(Key|Value)$/, '');
    if (seen.has(base)) continue;
    seen.add(base);
    const names = plugins.filter((p) => p.className.replace(/\$(Key|Value)$/, '') === base).map((p) => `\`${p.className}\``);
    const def = plugin.create().config();
    const keys = def.keys.size === 0 ? 'No keys of its own.' : table(def);
    sections.push(`### ${names.join(', ')}\n\n${overview(plugin.documentation)}\n\n${keys}`);
  }
  return sections.join('\n\n');
}

export function renderConfigurationDoc(): string {
  return `# Configuration reference

Generated from the ConfigDefs in the source by \`npm run docs:config\`; a test fails when it is stale.
Every key below is also reported, with the same defaults and texts, by
\`GET /connector-plugins/{plugin}/config\` and \`PUT /connector-plugins/{plugin}/config/validate\`.

## Worker

Given in a Java properties file (\`milvus-connect worker.properties\`, like \`connect-standalone.sh\`) or as
environment variables \`CONNECT_<KEY>\` (upper case, dots to underscores: \`CONNECT_BOOTSTRAP_SERVERS\`);
the environment overrides the file. Keys prefixed \`consumer.\`, \`producer.\`, \`admin.\`,
\`key.converter.\`, \`value.converter.\` and \`header.converter.\` are passed to those clients and
converters. Stock \`connect-standalone.properties\` keys this worker does not need (such as
\`offset.storage.file.filename\`) are accepted with a warning.

${table(WORKER_CONFIG_DEF)}

### Distributed worker

\`milvus-connect-distributed worker.properties\` (like \`connect-distributed.sh\`; in the container: set
\`CONNECT_GROUP_ID\`) takes every key above except \`sqlite.path\`, plus Kafka's distributed keys with
Kafka's names and defaults (see docs/operations.md, "Distributed mode"):

${table(new ConfigDef([...DISTRIBUTED_KEYS]))}

## Connector: framework keys (every sink connector)

Kafka Connect's own sink keys, with Kafka's defaults and meaning.

${table(SINK_CONNECTOR_CONFIG_DEF)}

## Connector: Milvus sink (\`com.milvus.io.kafka.MilvusSinkConnector\`)

The first four keys are the original connector's, with its types and defaults; the others are ours,
all optional, with defaults that keep the original's behaviour except where it lost data.

${table(MILVUS_SINK_CONFIG_DEF)}

## Converters

Set per worker (\`key.converter\`, \`value.converter\`) or per connector; their own keys are prefixed
with \`key.converter.\` / \`value.converter.\`.

### \`org.apache.kafka.connect.json.JsonConverter\`

${table(JSON_CONVERTER_CONFIG_DEF)}

### \`org.apache.kafka.connect.storage.StringConverter\`

${table(STRING_CONVERTER_CONFIG_DEF)}

### \`org.apache.kafka.connect.converters.ByteArrayConverter\`

No keys of its own: the bytes are handed over as they are.

### Schema Registry converters (Confluent's class names)

\`io.confluent.connect.avro.AvroConverter\`, \`io.confluent.connect.protobuf.ProtobufConverter\` and
\`io.confluent.connect.json.JsonSchemaConverter\` read records in Confluent's wire format (magic byte 0,
4-byte schema id; Protobuf then its message indexes) and fetch each schema once per id from a Schema
Registry (\`schema.registry.url\`, a comma-separated list tried in turn), keeping up to
\`max.schemas.per.subject\` compiled schemas. Records map to Connect structs as Confluent's AvroData,
ProtobufData and JsonSchemaData map them (docs/compatibility.md lists the differences), so a float or
double array reaches a FloatVector and bytes a BinaryVector, Float16Vector or BFloat16Vector. A schema
that cannot be fetched (registry down, unknown id, refused credentials) fails each record that needs
it at stage VALUE_CONVERTER/KEY_CONVERTER, with the id and the registry URL, never the credentials: it
is retried under \`errors.retry.timeout\` when the registry was unreachable, then dead-lettered or fatal
as \`errors.tolerance\` says. Basic auth: \`basic.auth.credentials.source=USER_INFO\` with
\`basic.auth.user.info=<user>:<password>\` (a PASSWORD: \`[hidden]\` in validation and logs), or \`URL\` with
\`http://<user>:<password>@host:port\` (then the URL, and so the password, shows wherever the config value
does; prefer USER_INFO). \`SASL_INHERIT\` is refused. Extra HTTP headers: \`request.header.<Name>=<value>\`.
Keys of Confluent's serialising side (\`auto.register.schemas\`, \`use.latest.version\`, subject name
strategies …) have no effect on a sink and are not declared.

#### \`io.confluent.connect.avro.AvroConverter\`

${table(AVRO_CONVERTER_CONFIG_DEF)}

#### \`io.confluent.connect.protobuf.ProtobufConverter\`

${table(PROTOBUF_CONVERTER_CONFIG_DEF)}

#### \`io.confluent.connect.json.JsonSchemaConverter\`

${table(JSON_SCHEMA_CONVERTER_CONFIG_DEF)}

## Transformations and predicates

Kafka's single message transforms, under Kafka's class names (a class without \`$Key\`/\`$Value\` may also
be named by its simple name: \`Filter\`, \`RegexRouter\`, \`HasHeaderKey\`). They run in the sink task on
every record after the converters and before the connector writes it, in the order of \`transforms\`:

| key | meaning |
|---|---|
| \`transforms\` | the aliases of the transformations, in the order they apply |
| \`transforms.<alias>.type\` | the class of the transformation (*required*) |
| \`transforms.<alias>.plugin.version\` | the version (range) required of it; the installed one (\`4.1.1\`) by default |
| \`transforms.<alias>.predicate\` | the alias of a predicate: the transformation applies only to the records it is true for |
| \`transforms.<alias>.negate\` | \`true\`: apply where the predicate is false instead (needs \`predicate\`) |
| \`transforms.<alias>.<key>\` | the transformation's own keys, below |
| \`predicates\` | the aliases of the predicates |
| \`predicates.<alias>.type\` | the class of the predicate (*required*) |
| \`predicates.<alias>.plugin.version\` | as for transformations |
| \`predicates.<alias>.<key>\` | the predicate's own keys, below |

A record a transformation drops (\`Filter\`) is not written, and its offset is committed. A record a
transformation fails on is an error record of stage \`TRANSFORMATION\` under \`errors.tolerance\`: retried per
\`errors.retry.*\` when the failure is retriable, then skipped (and dead-lettered as it was consumed, with the
\`__connect.errors.*\` headers when enabled) or fatal for the task, the trace naming topic, partition, offset
and class. Offsets are always committed for the topic and partition the record was consumed from, also
after \`RegexRouter\` or \`TimestampRouter\` renamed its topic; \`collection.name=\${topic}\` and
\`topic.to.collection\` see the renamed topic.

${components(builtinTransformations)}

### Predicates

${components(builtinPredicates).replace(/^### /gm, '#### ')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rendered = renderConfigurationDoc();
  if (process.argv.includes('--check')) {
    const current = readFileSync(CONFIGURATION_DOC, 'utf8');
    if (current !== rendered) {
      process.stderr.write('docs/configuration.md is stale: run `npm run docs:config`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(CONFIGURATION_DOC, rendered);
    process.stdout.write(`wrote ${CONFIGURATION_DOC}\n`);
  }
}
