import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtinConverters } from '../../../src/converters/index.js';
import { ConfigError } from '../../../src/plugin/index.js';
import { validateConnectorConfig } from '../../../src/runtime/config/connector-validation.js';
import { Plugins } from '../../../src/runtime/plugins.js';
import type { ConfigInfos } from '../../../src/runtime/types.js';
import { TEST_SINK_CLASS, testSinkPlugin } from '../../helpers/test-sink-plugin.js';

const plugins = new Plugins({ connectors: [testSinkPlugin()], converters: builtinConverters });
const CLASSES = ['io.confluent.connect.avro.AvroConverter', 'io.confluent.connect.protobuf.ProtobufConverter', 'io.confluent.connect.json.JsonSchemaConverter'];

function value(infos: ConfigInfos, name: string) {
  const found = infos.configs.find((c) => c.value?.name === name);
  assert.ok(found, `an entry for ${name}`);
  return found.value!;
}

describe("the Schema Registry converters' configuration", () => {
  test('GET /connector-plugins/<class>/config lists the registry keys, with basic.auth.user.info as a PASSWORD', () => {
    for (const className of CLASSES) {
      const keys = plugins.pluginConfig(className);
      const byName = new Map(keys.map((k) => [k.name, k]));
      for (const name of [
        'schema.registry.url',
        'basic.auth.credentials.source',
        'basic.auth.user.info',
        'max.schemas.per.subject',
        'http.read.timeout.ms',
        'max.retries',
      ]) {
        assert.ok(byName.has(name), `${className} lists ${name}`);
      }
      assert.equal(byName.get('basic.auth.user.info')!.type, 'PASSWORD');
      assert.equal(byName.get('basic.auth.credentials.source')!.default_value, 'URL');
      assert.equal(byName.get('schema.registry.url')!.required, true);
    }
  });

  test('validation: the user info is [hidden], SASL_INHERIT is refused with what to use instead, a missing URL is reported', async () => {
    const infos = await validateConnectorConfig(
      {
        name: 'c',
        'connector.class': TEST_SINK_CLASS,
        topics: 't',
        'value.converter': 'io.confluent.connect.avro.AvroConverter',
        'value.converter.basic.auth.credentials.source': 'SASL_INHERIT',
        'value.converter.basic.auth.user.info': 'svc:s3cret-pw',
      },
      { plugins },
    );
    assert.equal(value(infos, 'value.converter.basic.auth.user.info').value, '[hidden]');
    assert.match(
      value(infos, 'value.converter.basic.auth.credentials.source').errors[0],
      /SASL_INHERIT .* is not supported by this worker; set basic\.auth\.credentials\.source=USER_INFO/,
    );
    assert.match(value(infos, 'value.converter.schema.registry.url').errors[0], /Missing required configuration "schema\.registry\.url"/);
    assert.doesNotMatch(JSON.stringify(infos), /s3cret-pw/);
  });

  test('a URL that is not http(s), or not a URL, is an error that never shows the credentials in it', async () => {
    const infos = await validateConnectorConfig(
      {
        name: 'c',
        'connector.class': TEST_SINK_CLASS,
        topics: 't',
        'value.converter': 'io.confluent.connect.protobuf.ProtobufConverter',
        'value.converter.schema.registry.url': 'http://svc:s3cret-pw@registry:8081,mock://scope',
      },
      { plugins },
    );
    const [error] = value(infos, 'value.converter.schema.registry.url').errors;
    assert.match(error, /mock:\/\/ URLs are not supported/);
    assert.doesNotMatch(error, /s3cret-pw/);
  });

  test('configure(): USER_INFO without user info fails as Confluent does; the deprecated schema.registry.basic.auth.user.info counts', () => {
    for (const plugin of builtinConverters.filter((p) => CLASSES.includes(p.className))) {
      const converter = plugin.create();
      assert.throws(
        () => converter.configure({ 'schema.registry.url': 'http://127.0.0.1:8081', 'basic.auth.credentials.source': 'USER_INFO' }, false),
        (e: Error) => e instanceof ConfigError && e.message === 'UserInfo must be provided when basic.auth.credentials.source is set to USER_INFO',
      );
      converter.configure(
        { 'schema.registry.url': 'http://127.0.0.1:8081', 'basic.auth.credentials.source': 'USER_INFO', 'schema.registry.basic.auth.user.info': 'u:p' },
        true,
      );
    }
  });
});
