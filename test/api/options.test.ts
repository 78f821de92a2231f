import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiOptionsFrom, resolveApiOptions } from '../../src/api/options.js';
import { loadWorkerConfig } from '../../src/runtime/worker-config.js';

const config = (values: Record<string, unknown>) => ({
  get(name: string) {
    if (!(name in values)) throw new Error(`Unknown configuration '${name}'`);
    return values[name];
  },
});

describe('apiOptionsFrom', () => {
  test('reads the CORS keys; blank means unset', () => {
    assert.deepEqual(apiOptionsFrom(config({ 'access.control.allow.origin': 'http://a', 'access.control.allow.methods': 'GET,PUT', 'admin.listeners': null })), {
      corsAllowOrigin: 'http://a', corsAllowMethods: 'GET,PUT', adminEnabled: true,
    });
    assert.deepEqual(apiOptionsFrom(config({ 'access.control.allow.origin': '  ', 'access.control.allow.methods': '', 'admin.listeners': null })), {
      corsAllowOrigin: null, corsAllowMethods: null, adminEnabled: true,
    });
  });

  test('admin.listeners: unset keeps admin, empty disables it, a list keeps it on this listener', () => {
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': null })).adminEnabled, true);
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': [] })).adminEnabled, false);
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': '' })).adminEnabled, false);
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': ['http://:8084'] })).adminEnabled, true);
  });

  test('a worker config that does not define these keys leaves everything at the defaults', () => {
    assert.deepEqual(resolveApiOptions(apiOptionsFrom(config({}))), {
      corsAllowOrigin: null, corsAllowMethods: null, adminEnabled: true, bodyLimit: 1048576,
      requestTimeoutMs: 90000, healthCheckTimeoutMs: 10000, docs: true,
    });
  });
});

describe('apiOptionsFrom the worker\'s own WorkerConfig', () => {
  test('follows the Kafka keys as loaded from the environment', () => {
    const config = loadWorkerConfig({
      env: { CONNECT_ADMIN_LISTENERS: '', CONNECT_ACCESS_CONTROL_ALLOW_ORIGIN: 'http://ui', CONNECT_ACCESS_CONTROL_ALLOW_METHODS: 'GET,PUT' },
    });
    assert.deepEqual(apiOptionsFrom(config), { corsAllowOrigin: 'http://ui', corsAllowMethods: 'GET,PUT', adminEnabled: false });
    assert.deepEqual(apiOptionsFrom(loadWorkerConfig({ env: {} })), { corsAllowOrigin: null, corsAllowMethods: null, adminEnabled: true });
  });
});
