import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopback, parseListener } from '../../../src/runtime/config/rest-listener.js';

test('listeners are parsed Kafka’s way: scheme in any case, empty host = every interface, port required', () => {
  assert.deepEqual(parseListener('HTTP://:8083'), { protocol: 'http', host: '', port: 8083, url: 'HTTP://:8083' });
  assert.deepEqual(parseListener('http://127.0.0.1:0'), { protocol: 'http', host: '127.0.0.1', port: 0, url: 'http://127.0.0.1:0' });
  assert.deepEqual(parseListener('http://[::1]:8083/'), { protocol: 'http', host: '::1', port: 8083, url: 'http://[::1]:8083/' });
  assert.throws(() => parseListener('http://localhost'), /expected <protocol>:\/\/<host>:<port>/);
  assert.deepEqual(parseListener('https://127.0.0.1:8443'), { protocol: 'https', host: '127.0.0.1', port: 8443, url: 'https://127.0.0.1:8443' });
  assert.throws(() => parseListener('ftp://:21'), /unknown protocol 'ftp'; use http or https/);
  assert.throws(() => parseListener('http://:99999'), /above 65535/);
});

test('only 127.x, ::1 and localhost listeners count as loopback; an empty host is every interface', () => {
  for (const url of ['http://127.0.0.1:1', 'http://127.1.2.3:1', 'http://[::1]:1', 'https://localhost:1'])
    assert.equal(isLoopback(parseListener(url)), true, url);
  for (const url of ['http://:1', 'http://0.0.0.0:1', 'http://[::]:1', 'http://10.0.0.1:1', 'http://connect:1'])
    assert.equal(isLoopback(parseListener(url)), false, url);
});
