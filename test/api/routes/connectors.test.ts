import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlreadyExistsError, BadRequestError, NotFoundError } from '../../../src/runtime/errors.js';
import type { CreateConnectorRequest } from '../../../src/runtime/types.js';
import { buildTestApp, connectorInfo, connectorStatus, envelope, json } from '../../helpers/build-app.js';
import type { FakeHerder } from '../../helpers/fake-herder.js';

describe('GET /connectors', () => {
  test('lists connector names sorted', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => ['b', 'a', 'C']);
    const res = await app.inject({ url: '/connectors' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '["C","a","b"]');
  });

  test('expand=status&expand=info gives both expansions per connector, in query order', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => ['a']);
    herder.stub('connectorStatus', async (name) => connectorStatus(name));
    herder.stub('connectorInfo', async (name) => connectorInfo(name));
    const res = await app.inject({ url: '/connectors?expand=status&expand=info' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.body), { a: { status: connectorStatus('a'), info: connectorInfo('a') } });
  });

  test('expand=info alone does not look up status', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => ['a']);
    herder.stub('connectorInfo', async (name) => connectorInfo(name));
    const res = await app.inject({ url: '/connectors?expand=info' });
    assert.deepEqual(JSON.parse(res.body), { a: { info: connectorInfo('a') } });
    assert.deepEqual(herder.argsOf('connectorStatus'), []);
  });

  test('expand values are not comma-split, and unknown values give an empty object per connector', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => ['a', 'b']);
    for (const query of ['expand=status,info', 'expand=foo', 'expand=']) {
      const res = await app.inject({ url: `/connectors?${query}` });
      assert.equal(res.statusCode, 200, query);
      assert.equal(res.body, '{"a":{},"b":{}}', query);
    }
  });

  test('a connector whose status lookup is not found is left out of the expanded map', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => ['a', 'new']);
    herder.stub('connectorStatus', async (name) => {
      if (name === 'new') throw new NotFoundError(`No status found for connector ${name}`);
      return connectorStatus(name);
    });
    herder.stub('connectorInfo', async (name) => connectorInfo(name));
    const res = await app.inject({ url: '/connectors?expand=status&expand=info' });
    assert.deepEqual(Object.keys(JSON.parse(res.body)), ['a']);
  });

  test('other failures of an expansion are not hidden', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectors', async () => ['a']);
    herder.stub('connectorStatus', async () => {
      throw new Error('status store unavailable');
    });
    const res = await app.inject({ url: '/connectors?expand=status' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(envelope(res.body), { error_code: 500, message: 'status store unavailable' });
  });
});

describe('POST /connectors', () => {
  const created = (herder: FakeHerder) =>
    herder.stub('createConnector', async (request: CreateConnectorRequest) => connectorInfo(request.name, request.config as Record<string, string>));

  test('creates: 201, absolute Location with the percent-encoded name, ConnectorInfo body', async (t) => {
    const { app, herder } = await buildTestApp(t);
    created(herder);
    const res = await app.inject(json('POST', '/connectors', { name: 'my conn', config: { 'connector.class': 'MilvusSink' } }, { host: 'connect-1:8083' }));
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers.location, 'http://connect-1:8083/connectors/my%20conn');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body), connectorInfo('my conn'));
  });

  test('passes the name as sent (the herder trims it) and converts scalar config values to strings', async (t) => {
    const { app, herder } = await buildTestApp(t);
    created(herder);
    const body = '{"name":"  c1 ","config":{"connector.class":"MilvusSink","tasks.max":1,"w":1.0,"e":1E3,"big":12345678901234567890,"flag":true,"gone":null}}';
    const res = await app.inject(json('POST', '/connectors', body));
    assert.equal(res.statusCode, 201);
    assert.deepEqual(herder.argsOf('createConnector'), [
      [
        {
          name: '  c1 ',
          config: { 'connector.class': 'MilvusSink', 'tasks.max': '1', w: '1.0', e: '1E3', big: '12345678901234567890', flag: 'true', gone: null },
          initial_state: null,
        },
      ],
    ]);
  });

  test('keeps the order of config keys as sent', async (t) => {
    const { app, herder } = await buildTestApp(t);
    created(herder);
    await app.inject(json('POST', '/connectors', '{"name":"c","config":{"z":"1","a":"2","name":"c","m":"3"}}'));
    const [[request]] = herder.argsOf('createConnector') as [[CreateConnectorRequest]];
    assert.deepEqual(Object.keys(request.config), ['z', 'a', 'name', 'm']);
  });

  test('a missing or null name is sent as "", blank names as they are; the herder\'s validation answers', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('createConnector', async () => {
      throw new BadRequestError(
        'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value  for configuration name: String may not be empty\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      );
    });
    const bodies = ['{"config":{}}', '{"name":null,"config":{}}', '{"name":"","config":{}}', '{"name":" \\t ","config":{}}'];
    for (const body of bodies) {
      const res = await app.inject(json('POST', '/connectors', body));
      assert.equal(res.statusCode, 400);
      assert.match(envelope(res.body).message!, /String may not be empty/);
    }
    assert.deepEqual(
      herder.argsOf('createConnector').map(([r]) => (r as CreateConnectorRequest).name),
      ['', '', '', ' \t '],
    );
  });

  test("name rules are the herder's: its mismatch and unaddressable-name 400s come back as they are", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('createConnector', async (r) => {
      if (r.name.includes('/')) throw new BadRequestError(`Connector name ${r.name} is invalid: it may not contain '/'`);
      throw new BadRequestError(`Connector name configuration (${r.config.name}) doesn't match connector name in the URL (${r.name.trim()})`);
    });
    const mismatch = await app.inject(json('POST', '/connectors', { name: ' x ', config: { name: ' x ' } }));
    assert.deepEqual(envelope(mismatch.body), { error_code: 400, message: "Connector name configuration ( x ) doesn't match connector name in the URL (x)" });
    const slash = await app.inject(json('POST', '/connectors', { name: 'a/b', config: {} }));
    assert.deepEqual(envelope(slash.body), { error_code: 400, message: "Connector name a/b is invalid: it may not contain '/'" });
    assert.deepEqual(
      herder.argsOf('createConnector').map(([r]) => r),
      [
        { name: ' x ', config: { name: ' x ' }, initial_state: null },
        { name: 'a/b', config: {}, initial_state: null },
      ],
    );
  });

  test('initial_state is case-insensitive and passed upper-cased', async (t) => {
    const { app, herder } = await buildTestApp(t);
    created(herder);
    for (const state of ['paused', 'Stopped', 'RUNNING']) {
      const res = await app.inject(json('POST', '/connectors', { name: 'c', config: {}, initial_state: state }));
      assert.equal(res.statusCode, 201);
    }
    assert.deepEqual(
      herder.argsOf('createConnector').map(([r]) => (r as CreateConnectorRequest).initial_state),
      ['PAUSED', 'STOPPED', 'RUNNING'],
    );
  });

  test('an invalid initial_state is a 400 naming the allowed values (Kafka: 500)', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const res = await app.inject(json('POST', '/connectors', { name: 'c', config: {}, initial_state: 'DESTROYED' }));
    assert.equal(res.statusCode, 400);
    assert.equal(envelope(res.body).message, "Invalid initial_state 'DESTROYED': must be one of RUNNING, PAUSED, STOPPED (case-insensitive)");
    assert.deepEqual(herder.calls, []);
  });

  test('unknown top-level fields (e.g. re-posting GET output) are a 400 naming the field', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const res = await app.inject(json('POST', '/connectors', connectorInfo('c')));
    assert.equal(res.statusCode, 400);
    assert.equal(
      envelope(res.body).message,
      'Invalid request body: unrecognized field "tasks" in the request body; known fields are name, config, initial_state.',
    );
    assert.deepEqual(herder.calls, []);
  });

  test('wrong JSON types and missing parts are 400s that say what to send', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const cases: Array<[string, string]> = [
      ['{"name":"c"}', 'Invalid request body: field "config" is required.'],
      ['{"name":"c","config":null}', 'Invalid request body: field "config" must be an object, but was null.'],
      ['{"name":"c","config":"a=b"}', 'Invalid request body: field "config" must be an object, but was a string.'],
      ['{"name":{},"config":{}}', 'Invalid request body: field "name" must be a string, but was an object.'],
      ['[]', 'Invalid request body: the request body must be an object, but was an array.'],
      ['"c"', 'Invalid request body: the request body must be an object, but was a string.'],
      ['null', 'Request body is null: this endpoint expects a JSON object'],
      ['', 'Request body is missing: this endpoint expects a JSON object'],
    ];
    for (const [body, message] of cases) {
      const res = await app.inject(json('POST', '/connectors', body));
      assert.equal(res.statusCode, 400, body);
      assert.deepEqual(envelope(res.body), { error_code: 400, message }, body);
    }
    assert.deepEqual(herder.calls, []);
  });

  test('a nested object or array inside config is a 400 naming the key (Kafka: 500)', async (t) => {
    const { app, herder } = await buildTestApp(t);
    for (const value of ['{"a":1}', '["t1","t2"]']) {
      const res = await app.inject(json('POST', '/connectors', `{"name":"c","config":{"topics":${value}}}`));
      assert.equal(res.statusCode, 400);
      assert.match(
        envelope(res.body).message!,
        /^Invalid request body: field config\.topics must be a string, a number, a boolean or null, but was an? (object|array)\. Configuration values must be strings/,
      );
    }
    const res = await app.inject(json('POST', '/connectors', '{"name":"c","config":{"tasks.max":{}}}'));
    assert.match(envelope(res.body).message!, /field config\["tasks\.max"\] must be/);
    assert.deepEqual(herder.calls, []);
  });

  test("the herder's answers map to Connect statuses: unknown class 400, exists 409", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('createConnector', async (r) => {
      if (r.name === 'dup') throw new AlreadyExistsError('Connector dup already exists');
      throw new BadRequestError(
        'Failed to find any class that implements Connector and which name matches Nope, available connectors are: MilvusSinkConnector',
      );
    });
    const dup = await app.inject(json('POST', '/connectors', { name: 'dup', config: { 'connector.class': 'MilvusSink' } }));
    assert.deepEqual(envelope(dup.body), { error_code: 409, message: 'Connector dup already exists' });
    const unknown = await app.inject(json('POST', '/connectors', { name: 'c', config: { 'connector.class': 'Nope' } }));
    assert.equal(unknown.statusCode, 400);
    assert.match(envelope(unknown.body).message!, /^Failed to find any class that implements Connector/);
  });

  test('names the HTTP layer accepts reach the herder intact, which answers with its validation message', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const controlChars = 'bad\u0007name';
    herder.stub('createConnector', async (r) => {
      if (r.name === controlChars) {
        throw new BadRequestError(
          'Connector configuration is invalid and contains the following 1 error(s):\nInvalid value bad\u0007name for configuration name: String may not contain control sequences but had the following ASCII chars: 7',
        );
      }
      return connectorInfo(r.name);
    });
    const long = 'c'.repeat(2000);
    for (const name of ['connecteur-é-名前', long]) {
      const res = await app.inject(json('POST', '/connectors', { name, config: {} }));
      assert.equal(res.statusCode, 201, name.slice(0, 20));
      assert.equal(res.headers.location, `http://localhost:80/connectors/${encodeURIComponent(name)}`);
    }
    const res = await app.inject(json('POST', '/connectors', { name: controlChars, config: {} }));
    assert.equal(res.statusCode, 400);
    assert.match(envelope(res.body).message!, /control sequences but had the following ASCII chars: 7/);
  });
});

describe('GET and DELETE /connectors/{connector}', () => {
  test('GET answers ConnectorInfo for the percent-decoded name', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorInfo', async (name) => connectorInfo(name));
    const res = await app.inject({ url: '/connectors/a%20b+c%C3%A9' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(herder.argsOf('connectorInfo'), [['a b+cé']]);
    assert.deepEqual(JSON.parse(res.body), connectorInfo('a b+cé'));
  });

  test("GET of an unknown connector is the herder's 404", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorInfo', async (name) => {
      throw new NotFoundError(`Connector ${name} not found`);
    });
    const res = await app.inject({ url: '/connectors/nope' });
    assert.deepEqual([res.statusCode, envelope(res.body)], [404, { error_code: 404, message: 'Connector nope not found' }]);
  });

  test('DELETE answers 204 with no body and no content type', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('deleteConnector', async () => {});
    const res = await app.inject({ method: 'DELETE', url: '/connectors/c?forward=true' });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal(res.headers['content-type'], undefined);
    assert.deepEqual(herder.argsOf('deleteConnector'), [['c']]);
  });
});

describe('/connectors/{connector}/config', () => {
  test('GET answers the flat stored config', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorConfig', async (name) => ({ name, 'connector.class': 'MilvusSink', token: '${file:/s:token}' }));
    const res = await app.inject({ url: '/connectors/c/config' });
    assert.equal(res.body, '{"name":"c","connector.class":"MilvusSink","token":"${file:/s:token}"}');
  });

  test('PUT creating a connector answers 201 with Location', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('putConnectorConfig', async (name, config) => ({ created: true, result: connectorInfo(name, config as Record<string, string>) }));
    const res = await app.inject(json('PUT', '/connectors/new%20one/config', { 'connector.class': 'MilvusSink', 'tasks.max': 2 }));
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers.location, 'http://localhost:80/connectors/new%20one');
    assert.deepEqual(herder.argsOf('putConnectorConfig'), [['new one', { 'connector.class': 'MilvusSink', 'tasks.max': '2' }]]);
  });

  test('PUT replacing a connector answers 200 without Location', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('putConnectorConfig', async (name) => ({ created: false, result: connectorInfo(name) }));
    const res = await app.inject(json('PUT', '/connectors/c/config', { name: 'c', 'connector.class': 'MilvusSink' }));
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers.location, undefined);
    assert.deepEqual(JSON.parse(res.body), connectorInfo('c'));
  });

  test("PUT passes a body name as sent; the herder's exact-match check comes back as 400", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('putConnectorConfig', async (name, config) => {
      throw new BadRequestError(`Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`);
    });
    const res = await app.inject(json('PUT', '/connectors/c/config', { name: 'c ', 'connector.class': 'MilvusSink' }));
    assert.deepEqual(envelope(res.body), { error_code: 400, message: "Connector name configuration (c ) doesn't match connector name in the URL (c)" });
    assert.deepEqual(herder.argsOf('putConnectorConfig'), [['c', { name: 'c ', 'connector.class': 'MilvusSink' }]]);
  });

  test('PUT with a POST-style body is a 400 naming the nested "config" key', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const res = await app.inject(json('PUT', '/connectors/c/config', { name: 'c', config: { 'connector.class': 'MilvusSink' } }));
    assert.equal(res.statusCode, 400);
    assert.match(envelope(res.body).message!, /^Invalid request body: field "config" must be a string, a number, a boolean or null, but was an object\./);
    assert.deepEqual(herder.calls, []);
  });

  test('PUT addresses the percent-decoded name, %2F included (the herder refuses it as a new name)', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('putConnectorConfig', async (name) => {
      throw new BadRequestError(`Connector name ${name} is invalid: it may not contain '/'`);
    });
    const res = await app.inject(json('PUT', '/connectors/a%2Fb%20c/config', { 'connector.class': 'MilvusSink' }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(
      herder.argsOf('putConnectorConfig').map(([name]) => name),
      ['a/b c'],
    );
  });

  test('PATCH passes null values (key removal) and answers 200 with the patched info', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('patchConnectorConfig', async (name) => connectorInfo(name, { 'tasks.max': '3' }));
    const res = await app.inject(json('PATCH', '/connectors/c/config', '{"tasks.max":3,"topics.regex":null,"name":"c"}'));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(herder.argsOf('patchConnectorConfig'), [['c', { 'tasks.max': '3', 'topics.regex': null, name: 'c' }]]);
    assert.deepEqual(JSON.parse(res.body), connectorInfo('c', { 'tasks.max': '3' }));
  });

  test("PATCH of an unknown connector is the herder's 404 (PATCH never creates)", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('patchConnectorConfig', async (name) => {
      throw new NotFoundError(`Connector ${name} not found`);
    });
    const res = await app.inject(json('PATCH', '/connectors/nope/config', { 'tasks.max': '2' }));
    assert.deepEqual(envelope(res.body), { error_code: 404, message: 'Connector nope not found' });
  });
});
