import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiOptionsFrom, resolveApiOptions } from '../../src/api/options.js';
import { loadWorkerConfig } from '../../src/runtime/config/worker-config.js';

const config = (values: Record<string, unknown>) => ({
  get(name: string) {
    if (!(name in values)) throw new Error(`Unknown configuration '${name}'`);
    return values[name];
  },
});

describe('apiOptionsFrom', () => {
  test('reads the CORS keys; blank means unset', () => {
    assert.deepEqual(
      apiOptionsFrom(config({ 'access.control.allow.origin': 'http://a', 'access.control.allow.methods': 'GET,PUT', 'admin.listeners': null })),
      {
        corsAllowOrigin: 'http://a',
        corsAllowMethods: 'GET,PUT',
        routes: 'all',
        basicAuth: null,
      },
    );
    assert.deepEqual(apiOptionsFrom(config({ 'access.control.allow.origin': '  ', 'access.control.allow.methods': '', 'admin.listeners': null })), {
      corsAllowOrigin: null,
      corsAllowMethods: null,
      routes: 'all',
      basicAuth: null,
    });
  });

  test('admin.listeners: unset keeps /admin here; empty disables it; URLs move it to the admin app', () => {
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': null })).routes, 'all');
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': [] })).routes, 'regular');
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': '' })).routes, 'regular');
    assert.equal(apiOptionsFrom(config({ 'admin.listeners': ['http://:8084'] })).routes, 'regular');
  });

  test('a credentials file turns basic authentication on, with the realm and /health setting', () => {
    assert.deepEqual(
      apiOptionsFrom(
        config({ 'rest.basic.auth.credentials.file': '/etc/connect/users', 'rest.basic.auth.realm': 'ops', 'rest.basic.auth.health.public': false }),
      ).basicAuth,
      {
        credentialsFile: '/etc/connect/users',
        realm: 'ops',
        healthPublic: false,
      },
    );
    assert.deepEqual(apiOptionsFrom(config({ 'rest.basic.auth.credentials.file': '/users' })).basicAuth, {
      credentialsFile: '/users',
      realm: 'Kafka Connect',
      healthPublic: true,
    });
    assert.equal(apiOptionsFrom(config({ 'rest.basic.auth.credentials.file': ' ' })).basicAuth, null);
  });

  test('a worker config that does not define these keys leaves everything at the defaults', () => {
    assert.deepEqual(resolveApiOptions(apiOptionsFrom(config({}))), {
      corsAllowOrigin: null,
      corsAllowMethods: null,
      routes: 'all',
      basicAuth: null,
      bodyLimit: 1048576,
      requestTimeoutMs: 90000,
      healthCheckTimeoutMs: 10000,
      docs: true,
    });
  });
});

describe("apiOptionsFrom the worker's own WorkerConfig", () => {
  test('follows the Kafka keys as loaded from the environment', () => {
    const config = loadWorkerConfig({
      env: {
        CONNECT_ADMIN_LISTENERS: '',
        CONNECT_ACCESS_CONTROL_ALLOW_ORIGIN: 'http://ui',
        CONNECT_ACCESS_CONTROL_ALLOW_METHODS: 'GET,PUT',
        CONNECT_REST_BASIC_AUTH_CREDENTIALS_FILE: '/run/users',
      },
    });
    assert.deepEqual(apiOptionsFrom(config), {
      corsAllowOrigin: 'http://ui',
      corsAllowMethods: 'GET,PUT',
      routes: 'regular',
      basicAuth: { credentialsFile: '/run/users', realm: 'Kafka Connect', healthPublic: true },
    });
    assert.deepEqual(apiOptionsFrom(loadWorkerConfig({ env: {} })), { corsAllowOrigin: null, corsAllowMethods: null, routes: 'all', basicAuth: null });
  });
});
