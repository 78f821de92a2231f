import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError, NotFoundError } from '../../../src/runtime/errors.js';
import { buildTestApp, envelope, json } from '../../helpers/build-app.js';

const ALTERED =
  'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.';

describe('GET /connectors/{connector}/offsets', () => {
  test('answers the committed offsets, null offsets included', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorOffsets', async () => ({
      offsets: [
        { partition: { kafka_topic: 't', kafka_partition: 0 }, offset: { kafka_offset: 42 } },
        { partition: { kafka_topic: 't', kafka_partition: 1 }, offset: null },
      ],
    }));
    const res = await app.inject({ url: '/connectors/c/offsets' });
    assert.equal(
      res.body,
      '{"offsets":[{"partition":{"kafka_topic":"t","kafka_partition":0},"offset":{"kafka_offset":42}},{"partition":{"kafka_topic":"t","kafka_partition":1},"offset":null}]}',
    );
  });

  test("unknown connector is the herder's 404", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('connectorOffsets', async (name) => {
      throw new NotFoundError(`Connector ${name} not found`);
    });
    assert.deepEqual(envelope((await app.inject({ url: '/connectors/x/offsets' })).body), { error_code: 404, message: 'Connector x not found' });
  });
});

describe('PATCH /connectors/{connector}/offsets', () => {
  test('passes the entries to the herder and answers 200 with its message', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('alterConnectorOffsets', async () => ({ message: ALTERED }));
    const body =
      '{"offsets":[{"partition":{"kafka_topic":"t","kafka_partition":0},"offset":{"kafka_offset":10}},{"partition":{"kafka_topic":"t","kafka_partition":"1"},"offset":null},{"offset":{"kafka_offset":1}}]}';
    const res = await app.inject(json('PATCH', '/connectors/c/offsets', body));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.body), { message: ALTERED });
    assert.deepEqual(herder.argsOf('alterConnectorOffsets'), [
      [
        'c',
        {
          offsets: [
            { partition: { kafka_topic: 't', kafka_partition: 0 }, offset: { kafka_offset: 10 } },
            { partition: { kafka_topic: 't', kafka_partition: '1' }, offset: null },
            { partition: null, offset: { kafka_offset: 1 } },
          ],
        },
      ],
    ]);
  });

  test('numbers JavaScript cannot hold exactly reach the herder as their JSON text', async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('alterConnectorOffsets', async () => ({ message: ALTERED }));
    const body = '{"offsets":[{"partition":{"kafka_topic":"t","kafka_partition":1.0},"offset":{"kafka_offset":9223372036854775807}}]}';
    await app.inject(json('PATCH', '/connectors/c/offsets', body));
    assert.deepEqual(herder.argsOf('alterConnectorOffsets'), [
      [
        'c',
        {
          offsets: [{ partition: { kafka_topic: 't', kafka_partition: '1.0' }, offset: { kafka_offset: '9223372036854775807' } }],
        },
      ],
    ]);
  });

  test("no offsets given is Kafka's 400, before the connector is looked up", async (t) => {
    const { app, herder } = await buildTestApp(t);
    for (const body of ['{}', '{"offsets":null}', '{"offsets":[]}']) {
      const res = await app.inject(json('PATCH', '/connectors/nope/offsets', body));
      assert.deepEqual(envelope(res.body), { error_code: 400, message: 'Partitions / offsets need to be provided for an alter offsets request' }, body);
    }
    assert.deepEqual(herder.calls, []);
  });

  test('bodies of the wrong shape are 400s naming the problem (Kafka: 500)', async (t) => {
    const { app, herder } = await buildTestApp(t);
    const cases: Array<[string, string]> = [
      ['[]', 'Invalid request body: the request body must be an object, but was an array.'],
      ['{"offsets":{}}', 'Invalid request body: field "offsets" must be an array or null, but was an object.'],
      ['{"offsets":[123]}', 'Invalid request body: field offsets[0] must be an object, but was a number.'],
      ['{"offsets":[{"partition":"t-0","offset":null}]}', 'Invalid request body: field offsets[0].partition must be an object or null, but was a string.'],
      ['{"offsets":[],"extra":1}', 'Invalid request body: unrecognized field "extra" in the request body; known fields are offsets.'],
      [
        '{"offsets":[{"partition":{},"offset":null,"metadata":"x"}]}',
        'Invalid request body: unrecognized field "metadata" in field offsets[0]; known fields are partition, offset.',
      ],
      ['', 'Request body is missing: this endpoint expects a JSON object'],
    ];
    for (const [body, message] of cases) {
      const res = await app.inject(json('PATCH', '/connectors/c/offsets', body));
      assert.deepEqual(envelope(res.body), { error_code: 400, message }, body);
    }
    assert.deepEqual(herder.calls, []);
  });

  test("the herder's state check (not STOPPED) comes back as 400", async (t) => {
    const { app, herder } = await buildTestApp(t);
    const message =
      "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/c/stop' endpoint";
    herder.stub('alterConnectorOffsets', async () => {
      throw new BadRequestError(message);
    });
    const res = await app.inject(json('PATCH', '/connectors/c/offsets', { offsets: [{ partition: { kafka_topic: 't', kafka_partition: 0 }, offset: null }] }));
    assert.deepEqual(envelope(res.body), { error_code: 400, message });
  });
});

describe('DELETE /connectors/{connector}/offsets', () => {
  test("answers 200 with the herder's message", async (t) => {
    const { app, herder } = await buildTestApp(t);
    herder.stub('resetConnectorOffsets', async () => ({ message: 'The offsets for this connector have been reset successfully' }));
    const res = await app.inject({ method: 'DELETE', url: '/connectors/c/offsets' });
    assert.deepEqual([res.statusCode, res.body], [200, '{"message":"The offsets for this connector have been reset successfully"}']);
    assert.deepEqual(herder.argsOf('resetConnectorOffsets'), [['c']]);
  });
});
