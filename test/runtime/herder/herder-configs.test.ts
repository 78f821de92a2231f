import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '../../../src/runtime/errors.js';
import { herderFixture, sinkConfig } from '../../helpers/herder-fixture.js';

describe('HerderConfigs: GET …/config', () => {
  test('every answer is a copy: changing it changes nothing the next request sees', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    const first = await herder.connectorConfig('a');
    first.topics = 'changed';
    assert.equal((await herder.connectorConfig('a')).topics, 'orders');
  });

  test('each write is seen by the next read: PUT, PATCH, a refused PATCH, delete and re-create', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    assert.equal((await herder.connectorConfig('a')).topics, 'orders');

    await herder.putConnectorConfig('a', sinkConfig('a', { topics: 'put' }));
    assert.equal((await herder.connectorConfig('a')).topics, 'put');

    await herder.patchConnectorConfig('a', { topics: 'patched', 'tasks.max': '2' });
    assert.deepEqual(await herder.connectorConfig('a'), sinkConfig('a', { topics: 'patched', 'tasks.max': '2' }));

    await assert.rejects(herder.patchConnectorConfig('a', { topics: null }), /Must configure one of topics or topics.regex/);
    assert.equal((await herder.connectorConfig('a')).topics, 'patched');

    await herder.deleteConnector('a');
    await assert.rejects(herder.connectorConfig('a'), new NotFoundError('Connector a not found'));

    await herder.createConnector({ name: 'a', config: sinkConfig('a', { topics: 'again' }) });
    assert.deepEqual(await herder.connectorConfig('a'), sinkConfig('a', { topics: 'again' }));
  });

  test('a read before the first write of a connector does not hide the connector once created', async (t) => {
    const { herder } = await herderFixture(t);
    await assert.rejects(herder.connectorConfig('late'), new NotFoundError('Connector late not found'));
    await herder.putConnectorConfig('late', sinkConfig('late'));
    assert.deepEqual(await herder.connectorConfig('late'), sinkConfig('late'));
  });

  test('after a restart the stored config is read again', async (t) => {
    const fixture = await herderFixture(t);
    await fixture.herder.createConnector({ name: 'a', config: sinkConfig('a', { topics: 'before' }) });
    assert.equal((await fixture.herder.connectorConfig('a')).topics, 'before');
    await fixture.herder.stop();
    const restarted = await fixture.restart();
    assert.equal((await restarted.herder.connectorConfig('a')).topics, 'before');
  });
});
