import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '../../../src/runtime/errors.js';
import { herderFixture, sinkConfig } from '../../helpers/herder-fixture.js';

describe('HerderStatus: GET …/status', () => {
  test('states change at once, without a config write', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    assert.equal((await herder.connectorStatus('a')).connector.state, 'RUNNING');
    await herder.pauseConnector('a');
    await herder.idle();
    assert.equal((await herder.connectorStatus('a')).connector.state, 'PAUSED');
    await herder.resumeConnector('a');
    await herder.idle();
    assert.equal((await herder.connectorStatus('a')).connector.state, 'RUNNING');
  });

  test('a deleted connector has no status, and one created again under its name has its own', async (t) => {
    const { herder } = await herderFixture(t);
    await herder.createConnector({ name: 'a', config: sinkConfig('a') });
    await herder.connectorStatus('a');
    await herder.deleteConnector('a');
    await assert.rejects(herder.connectorStatus('a'), new NotFoundError('No status found for connector a'));
    await herder.createConnector({ name: 'a', config: sinkConfig('a'), initial_state: 'STOPPED' });
    const status = await herder.connectorStatus('a');
    assert.equal(status.connector.state, 'STOPPED');
    assert.equal(status.type, 'sink');
  });
});
