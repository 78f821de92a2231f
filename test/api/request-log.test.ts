import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { RequestLogger, requestLoggerFactory } from '../../src/api/request-log.js';
import { createRootLogger, Loggers } from '../../src/runtime/loggers.js';

const REST_SERVER = 'org.apache.kafka.connect.runtime.rest.RestServer';

function capture(level = 'info') {
  const lines: string[] = [];
  const root = pino({ level, timestamp: false, base: undefined }, { write: (line: string) => void lines.push(line) });
  return { root, lines };
}

function countChildren(logger: Logger): { count: number } {
  const counter = { count: 0 };
  const previous = logger.onChild;
  logger.onChild = (child) => {
    counter.count++;
    previous(child);
  };
  return counter;
}

describe('RequestLogger', () => {
  test('the access line is the line a pino child with the request bindings writes, to the byte', (t) => {
    t.mock.method(Date, 'now', () => 1_700_000_000_000);
    const lines: string[] = [];
    const root = createRootLogger({ destination: { write: (line: string) => void lines.push(line) } });
    const named = new Loggers(root).logger(REST_SERVER);
    const fields = { method: 'GET', url: '/connectors/a/status', statusCode: 200, responseTime: 0.12 };
    named.child({ reqId: 'req-1' }).child({ connector: 'a' }).info(fields, 'request completed');
    (new RequestLogger(named, { reqId: 'req-1' }).child({ connector: 'a' }) as RequestLogger).write('info', fields, 'request completed');
    assert.equal(lines.length, 2);
    assert.equal(lines[1], lines[0]);
  });

  test('makes no pino child per request for the access line, and one on the first enabled log call', () => {
    const { root, lines } = capture();
    const named = new Loggers(root).logger(REST_SERVER);
    const children = countChildren(named);
    for (const reqId of ['req-1', 'req-2', 'req-3']) {
      const log = new RequestLogger(named, { reqId }).child({ connector: 'a' }) as RequestLogger;
      log.write('info', { statusCode: 200 }, 'request completed');
      log.debug('below the level: nothing written, nothing made');
    }
    assert.equal(children.count, 1, 'one logger for the access lines of every request');
    const log = new RequestLogger(named, { reqId: 'req-4' }).child({ connector: 'b' }) as RequestLogger;
    log.warn({ detail: 1 }, 'something to say');
    log.warn('again');
    log.write('info', { statusCode: 200 }, 'request completed');
    assert.equal(children.count, 2, 'the request that logged got its own child, once');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as Record<string, unknown>).map(({ reqId, connector, msg }) => [reqId, connector, msg]),
      [
        ['req-1', 'a', 'request completed'],
        ['req-2', 'a', 'request completed'],
        ['req-3', 'a', 'request completed'],
        ['req-4', 'b', 'something to say'],
        ['req-4', 'b', 'again'],
        ['req-4', 'b', 'request completed'],
      ],
    );
  });

  test('follows /admin/loggers level changes of the REST server logger, before and after it became a child', () => {
    const { root, lines } = capture();
    const loggers = new Loggers(root);
    const named = loggers.logger(REST_SERVER);
    const early = new RequestLogger(named, { reqId: 'req-1' });
    early.error('makes the child');
    const late = new RequestLogger(named, { reqId: 'req-2' });
    loggers.setLevel('org.apache.kafka.connect.runtime.rest', 'WARN');
    assert.equal(late.level, 'warn');
    assert.equal(early.level, 'warn');
    for (const log of [early, late]) log.write('info', { statusCode: 200 }, 'request completed');
    loggers.setLevel('org.apache.kafka.connect.runtime.rest', 'DEBUG');
    for (const log of [early, late]) log.debug('now visible');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as { reqId: string; msg: string }).map(({ reqId, msg }) => `${reqId} ${msg}`),
      ['req-1 makes the child', 'req-1 now visible', 'req-2 now visible'],
    );
  });

  test('secrets logged through it by mistake are redacted as through any logger', () => {
    const lines: string[] = [];
    const root = pino({ redact: { paths: ['*.token'], censor: '[hidden]' } }, { write: (line: string) => void lines.push(line) });
    new RequestLogger(root, { reqId: 'req-1' }).info({ config: { token: 'SECRET' } }, 'oops');
    assert.doesNotMatch(lines.join(''), /SECRET/);
  });
});

describe('requestLoggerFactory', () => {
  test('a route that sets a level or serializers of its own gets a real child at once', () => {
    const { root } = capture();
    assert.ok(requestLoggerFactory(root, { reqId: 'r' }, {}) instanceof RequestLogger);
    const own = requestLoggerFactory(root, { reqId: 'r' }, { level: 'debug' });
    assert.ok(!(own instanceof RequestLogger));
    assert.equal(own.level, 'debug');
  });
});
