import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListener } from '../../src/runtime/listener.js';

test('listeners are parsed Kafka’s way: scheme in any case, empty host = every interface, port required', () => {
  assert.deepEqual(parseListener('HTTP://:8083'), { protocol: 'http', host: '', port: 8083, url: 'HTTP://:8083' });
  assert.deepEqual(parseListener('http://127.0.0.1:0'), { protocol: 'http', host: '127.0.0.1', port: 0, url: 'http://127.0.0.1:0' });
  assert.deepEqual(parseListener('http://[::1]:8083/'), { protocol: 'http', host: '::1', port: 8083, url: 'http://[::1]:8083/' });
  assert.throws(() => parseListener('http://localhost'), /expected <protocol>:\/\/<host>:<port>/);
  assert.throws(() => parseListener('https://:8443'), /https, which this worker does not serve/);
  assert.throws(() => parseListener('http://:99999'), /above 65535/);
});
