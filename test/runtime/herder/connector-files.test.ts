import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../src/plugin/index.js';
import { applyConnectorFile, parseConnectorFile, readConnectorFile } from '../../../src/runtime/herder/connector-files.js';
import { AlreadyExistsError } from '../../../src/runtime/errors.js';
import type { Herder } from '../../../src/runtime/herder/herder.js';
import type { CreateConnectorRequest } from '../../../src/runtime/types.js';

const MILVUS = 'com.milvus.io.kafka.MilvusSinkConnector';

test('a properties file gives its config in file order, with Java escapes', () => {
  const file = parseConnectorFile(
    'milvus-sink.properties',
    ['name=milvus-sink', `connector.class=${MILVUS}`, 'topics: vectors', 'public.endpoint = http\\://localhost:19530', 'token=root:Milvus'].join('\n'),
  );
  assert.deepEqual(file, {
    name: 'milvus-sink',
    config: { name: 'milvus-sink', 'connector.class': MILVUS, topics: 'vectors', 'public.endpoint': 'http://localhost:19530', token: 'root:Milvus' },
  });
  assert.deepEqual(Object.keys(file.config), ['name', 'connector.class', 'topics', 'public.endpoint', 'token']);
});

test('a JSON flat map works like a PUT …/config body; numbers and booleans become their text, exactly', () => {
  const file = parseConnectorFile(
    'c.json',
    `{"name": "m", "connector.class": "${MILVUS}", "tasks.max": 2, "big": 12345678901234567890, "flag": true, "gone": null}`,
  );
  assert.deepEqual(file, {
    name: 'm',
    config: { name: 'm', 'connector.class': MILVUS, 'tasks.max': '2', big: '12345678901234567890', flag: 'true', gone: null },
  });
});

test('a JSON {name, config, initial_state} works like a POST /connectors body', () => {
  assert.deepEqual(parseConnectorFile('c.json', `{"name": "m", "config": {"connector.class": "${MILVUS}"}, "initial_state": "paused"}`), {
    name: 'm',
    config: { 'connector.class': MILVUS, name: 'm' },
    initialState: 'PAUSED',
  });
  assert.deepEqual(parseConnectorFile('c.json', '{"config": {"name": "m", "topics": "t"}}'), { name: 'm', config: { name: 'm', topics: 't' } });
});

test('JSON content is recognised whatever the file is called', () => {
  assert.equal(parseConnectorFile('milvus.conf', '\n  {"name": "m", "config": {}}').name, 'm');
});

test('a connector file without a name is refused with Kafka’s message', () => {
  for (const [path, text] of [
    ['c.properties', 'topics=t'],
    ['c.json', '{"topics": "t"}'],
    ['c.json', '{"config": {"topics": "t"}}'],
  ]) {
    assert.throws(
      () => parseConnectorFile(path, text),
      (e: Error) => e instanceof ConfigError && e.message === `Connector configuration at '${path}' is missing the mandatory 'name' configuration`,
    );
  }
});

test('other malformed files get a message that names the file and the problem', () => {
  assert.throws(
    () => parseConnectorFile('c.json', '{"name": "m", "config": {"name": "other"}}'),
    /Connector name configuration in 'config' doesn't match the one specified in 'name' at 'c\.json'/,
  );
  assert.throws(() => parseConnectorFile('c.json', '{"name": "m",'), /Connector configuration at 'c\.json' is not valid JSON/);
  assert.throws(() => parseConnectorFile('c.json', '["name"]'), /at 'c\.json' must be a JSON object/);
  assert.throws(() => parseConnectorFile('c.json', '{"name": "m", "config": {"nested": {"a": 1}}}'), /non-scalar value for 'nested'/);
  assert.throws(() => parseConnectorFile('c.json', '{"name": "m", "transforms": ["a"]}'), /flat map of strings or an object \{"name"/);
  assert.throws(
    () => parseConnectorFile('c.json', '{"name": "m", "config": {}, "initial_state": "RUN"}'),
    /initial_state 'RUN'; use one of RUNNING, PAUSED, STOPPED/,
  );
});

test('readConnectorFile reads from disk and names a missing file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'connector-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'm.properties'), 'name=m\n');
  assert.equal(readConnectorFile(join(dir, 'm.properties')).name, 'm');
  assert.throws(() => readConnectorFile(join(dir, 'absent.json')), /Cannot read the connector configuration file .*absent\.json/);
});

/** Records the herder calls applyConnectorFile makes; `existing` connectors make createConnector fail as Kafka does. */
function fakeHerder(existing: string[]) {
  const calls: unknown[][] = [];
  const herder = {
    async createConnector(request: CreateConnectorRequest) {
      calls.push(['createConnector', request]);
      if (existing.includes(request.name)) throw new AlreadyExistsError(`Connector ${request.name} already exists`);
      existing.push(request.name);
      return { name: request.name, config: {}, tasks: [], type: 'sink' };
    },
    async putConnectorConfig(name: string, config: Record<string, string | null>) {
      calls.push(['putConnectorConfig', name, config]);
      const created = !existing.includes(name);
      existing.push(name);
      return { created, result: { name, config: {}, tasks: [], type: 'sink' } };
    },
  } as unknown as Herder;
  return { herder, calls };
}

test('a connector file creates the connector, or updates it when it exists (restarts must not fail)', async () => {
  const { herder, calls } = fakeHerder(['old']);
  assert.deepEqual(await applyConnectorFile(herder, { name: 'new', config: { name: 'new' } }), { created: true });
  assert.deepEqual(await applyConnectorFile(herder, { name: 'old', config: { name: 'old' } }), { created: false });
  assert.deepEqual(calls, [
    ['putConnectorConfig', 'new', { name: 'new' }],
    ['putConnectorConfig', 'old', { name: 'old' }],
  ]);
});

test('initial_state is used when the file creates the connector and ignored when it exists', async () => {
  const { herder, calls } = fakeHerder(['old']);
  assert.deepEqual(await applyConnectorFile(herder, { name: 'new', config: { name: 'new' }, initialState: 'STOPPED' }), { created: true });
  assert.deepEqual(await applyConnectorFile(herder, { name: 'old', config: { name: 'old' }, initialState: 'PAUSED' }), { created: false });
  assert.deepEqual(calls, [
    ['createConnector', { name: 'new', config: { name: 'new' }, initial_state: 'STOPPED' }],
    ['createConnector', { name: 'old', config: { name: 'old' }, initial_state: 'PAUSED' }],
    ['putConnectorConfig', 'old', { name: 'old' }],
  ]);
});

test('any other herder error (e.g. an invalid config) propagates', async () => {
  const herder = {
    async putConnectorConfig() {
      throw new Error('Connector configuration is invalid and contains the following 1 error(s): …');
    },
  } as unknown as Herder;
  await assert.rejects(applyConnectorFile(herder, { name: 'm', config: {} }), /is invalid/);
});

test("a file's name is trimmed as on POST and PUT, and its config says the trimmed name, in every form", () => {
  for (const [path, text] of [
    ['c.properties', `name=  spaced  \nconnector.class=${MILVUS}\n`],
    ['c.json', `{"name": " spaced ", "connector.class": "${MILVUS}"}`],
    ['c.json', `{"name": " spaced", "config": {"connector.class": "${MILVUS}"}}`],
  ]) {
    const file = parseConnectorFile(path, text);
    assert.equal(file.name, 'spaced', text);
    assert.equal(file.config.name, 'spaced', text);
  }
});

test('a file whose name holds control characters or a lone surrogate is refused, naming the file', () => {
  for (const text of [
    '{"name": "a\\t", "connector.class": "x"}',
    '{"name": "\\u0000a", "connector.class": "x"}',
    '{"name": "z\\ud800", "connector.class": "x"}',
  ]) {
    assert.throws(
      () => parseConnectorFile('bad.json', text),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^Connector configuration at 'bad\.json' has an invalid name: .*(control sequences|lone UTF-16 surrogate)/s);
        return true;
      },
      text,
    );
  }
});
