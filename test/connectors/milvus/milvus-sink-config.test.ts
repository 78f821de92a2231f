import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, Password, Width } from '../../../src/plugin/index.js';
import { BATCH_MAX_BYTES_CAP, MILVUS_SINK_CONFIG_DEF, parseMilvusSinkConfig } from '../../../src/connectors/milvus/milvus-sink-config.js';

const ORIGINAL_KEYS = ['public.endpoint', 'token', 'database.name', 'collection.name'];

describe("MILVUS_SINK_CONFIG_DEF: the original connector's four keys", () => {
  it('come first, in the original order, with its types, defaults, importance and documentation', () => {
    const keys = [...MILVUS_SINK_CONFIG_DEF.keys.values()];
    assert.deepEqual(
      keys.slice(0, 4).map((k) => [k.name, k.type, k.defaultValue, k.importance, k.documentation]),
      [
        ['public.endpoint', 'STRING', '', 'MEDIUM', 'Public Endpoint'],
        ['token', 'PASSWORD', 'db_admin:****', 'HIGH', 'Token to connect milvus'],
        ['database.name', 'STRING', 'default', 'MEDIUM', 'Database name to save the topic messages'],
        ['collection.name', 'STRING', '', 'MEDIUM', 'Collection name to save the topic messages'],
      ],
    );
  });

  it('have no group, order -1, width NONE, display name = key name and no validator or recommended values', () => {
    for (const name of ORIGINAL_KEYS) {
      const key = MILVUS_SINK_CONFIG_DEF.keys.get(name)!;
      assert.equal(key.group, null, name);
      assert.equal(key.orderInGroup, -1, name);
      assert.equal(key.width, Width.NONE, name);
      assert.equal(key.displayName, name, name);
      assert.equal(key.validator, undefined, name);
      assert.equal(key.recommendedValues, undefined, name);
    }
  });

  it('never produce validation errors, whatever their values, and keep the token hidden', () => {
    const values = MILVUS_SINK_CONFIG_DEF.validateAll({ 'public.endpoint': 'not a url', token: 'secret', 'collection.name': '' });
    for (const name of ORIGINAL_KEYS) assert.deepEqual(values.get(name)!.errors, [], name);
    assert.ok(values.get('token')!.value instanceof Password);
    assert.equal(JSON.stringify(values.get('token')!.value), '"[hidden]"');
  });
});

describe('MILVUS_SINK_CONFIG_DEF: our keys', () => {
  it('are optional, grouped, ordered within their group and documented', () => {
    const ours = [...MILVUS_SINK_CONFIG_DEF.keys.values()].filter((k) => !ORIGINAL_KEYS.includes(k.name));
    assert.ok(ours.length >= 20);
    for (const key of ours) {
      assert.notEqual(key.defaultValue, undefined, `${key.name} must have a default`);
      assert.ok(key.group, `${key.name} needs a group`);
      assert.ok((key.orderInGroup ?? -1) >= 0, `${key.name} needs an order`);
      assert.ok((key.documentation ?? '').length > 20, `${key.name} needs documentation`);
      assert.match(key.name, /^[a-z0-9]+(\.[a-z0-9]+)*$/, "lower-case dotted names like Kafka's");
    }
    const orders = ours.map((k) => `${k.group}#${k.orderInGroup}`);
    assert.equal(new Set(orders).size, orders.length, 'no two keys share a position');
  });

  it('validate enumerations case-insensitively and report bad values on the key', () => {
    assert.deepEqual(MILVUS_SINK_CONFIG_DEF.validateAll({ 'milvus.write.mode': 'UPSERT' }).get('milvus.write.mode')!.errors, []);
    assert.deepEqual(MILVUS_SINK_CONFIG_DEF.validateAll({ 'dynamic.fields': 'keep' }).get('dynamic.fields')!.errors, [
      'Invalid value keep for configuration dynamic.fields: String must be one of (case insensitive): DROP, META, ERROR',
    ]);
    assert.deepEqual(MILVUS_SINK_CONFIG_DEF.validateAll({}).get('pk.mode')!.recommendedValues, ['value', 'key', 'key_if_missing']);
  });

  it("cap batch.max.bytes below Milvus' 64 MiB request limit", () => {
    assert.ok(BATCH_MAX_BYTES_CAP < 64 * 1024 * 1024);
    const errors = MILVUS_SINK_CONFIG_DEF.validateAll({ 'batch.max.bytes': String(64 * 1024 * 1024) }).get('batch.max.bytes')!.errors;
    assert.deepEqual(errors, [`Invalid value 67108864 for configuration batch.max.bytes: Value must be no more than ${BATCH_MAX_BYTES_CAP}`]);
  });

  it('reject non-numbers and out-of-range numbers', () => {
    assert.match(MILVUS_SINK_CONFIG_DEF.validateAll({ 'batch.max.rows': 'many' }).get('batch.max.rows')!.errors[0], /Not a number of type INT/);
    assert.match(MILVUS_SINK_CONFIG_DEF.validateAll({ 'max.in.flight.requests': '0' }).get('max.in.flight.requests')!.errors[0], /at least 1/);
  });
});

describe('parseMilvusSinkConfig', () => {
  it('reads the documented quick-start config, everything else at its default', () => {
    const config = parseMilvusSinkConfig({
      'public.endpoint': 'https://in01-x.zillizcloud.com:19530',
      token: 'user:pass',
      'collection.name': 'demo',
      topics: 'topic_0',
      'connector.class': 'com.milvus.io.kafka.MilvusSinkConnector',
    });
    assert.equal(config.endpoint, 'https://in01-x.zillizcloud.com:19530');
    assert.equal(config.token?.value, 'user:pass');
    assert.equal(config.databaseName, 'default');
    assert.equal(config.collectionName, 'demo');
    assert.deepEqual(
      { ...config, token: undefined, endpoint: undefined, collectionName: undefined },
      {
        endpoint: undefined,
        token: undefined,
        databaseName: 'default',
        collectionName: undefined,
        topicToCollection: new Map(),
        timeoutMs: 60000,
        tlsCaPath: null,
        tlsSkipVerify: false,
        autoLoad: false,
        writeMode: 'auto',
        dynamicFields: 'drop',
        pkMode: 'value',
        deleteEnabled: false,
        jsonParseStrings: false,
        batchMaxRows: 1000,
        batchMaxBytes: 16 * 1024 * 1024,
        batchLingerMs: 0,
        maxInFlightRequests: 1,
        maxRetries: 10,
        retryBackoffMs: 500,
        retryBackoffMaxMs: 30000,
        autoCreate: false,
        autoCreatePkField: 'id',
        autoCreateVectorField: 'vector',
        autoCreateMetric: 'COSINE',
        autoCreateIndex: 'AUTOINDEX',
      },
    );
  });

  it('treats an absent or empty token as "no authentication" (the original failed with a NullPointerException)', () => {
    assert.equal(parseMilvusSinkConfig({}).token, null);
    assert.equal(parseMilvusSinkConfig({ token: '' }).token, null);
  });

  it('never shows the token when the config is printed', () => {
    const config = parseMilvusSinkConfig({ token: 'very-secret' });
    assert.doesNotMatch(JSON.stringify(config), /very-secret/);
    assert.doesNotMatch(String(config.token), /very-secret/);
  });

  it('normalises enumerations: modes lower case, metric upper case', () => {
    const config = parseMilvusSinkConfig({ 'milvus.write.mode': 'Insert', 'dynamic.fields': 'META', 'pk.mode': 'Key', 'auto.create.metric': 'l2' });
    assert.deepEqual([config.writeMode, config.dynamicFields, config.pkMode, config.autoCreateMetric], ['insert', 'meta', 'key', 'L2']);
  });

  it("throws ConfigError with Kafka's wording for a bad value", () => {
    assert.throws(
      () => parseMilvusSinkConfig({ 'delete.enabled': 'maybe' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.message, 'Invalid value maybe for configuration delete.enabled: Expected value to be either true or false');
        return true;
      },
    );
  });
});
