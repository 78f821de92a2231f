import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotFoundError } from '../../src/runtime/errors.js';
import { createRootLogger, Loggers, LogLevel, parseLogLevel } from '../../src/runtime/loggers.js';

const SINK_TASK = 'org.apache.kafka.connect.runtime.WorkerSinkTask';
const WORKER = 'org.apache.kafka.connect.runtime.Worker';
const MILVUS_TASK = 'com.milvus.io.kafka.MilvusSinkTask';

/** A root logger writing parsed JSON lines into `lines`, and a clock the test moves. */
function setup(options: { levels?: Record<string, LogLevel> } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const root = createRootLogger({ destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  let now = 1_000;
  const loggers = new Loggers(root, { clock: () => now, ...options });
  const tick = (ms = 1) => (now += ms);
  const messages = () => lines.map((l) => l.msg);
  return { root, loggers, lines, messages, tick, now: () => now };
}

test('a named logger logs its name and starts at the root level (INFO)', () => {
  const { loggers, lines } = setup();
  const log = loggers.logger(SINK_TASK);
  log.info('committed');
  log.debug('per batch detail');
  assert.equal(lines.length, 1);
  assert.equal(lines[0].logger, SINK_TASK);
  assert.equal(lines[0].msg, 'committed');
  assert.equal(loggers.logger(SINK_TASK), log, 'the same name gives the same logger');
});

test('all() lists only root until a level is set, with last_modified null', () => {
  const { loggers } = setup();
  loggers.logger(SINK_TASK);
  assert.deepEqual(loggers.all(), { root: { level: 'INFO', last_modified: null } });
});

test('level() gives the effective level of existing loggers, root in any case, and null for unknown names', () => {
  const { loggers } = setup();
  loggers.logger(SINK_TASK);
  assert.deepEqual(loggers.level(SINK_TASK), { level: 'INFO', last_modified: null });
  assert.deepEqual(loggers.level('ROOT'), { level: 'INFO', last_modified: null });
  assert.equal(loggers.level('org.apache.kafka.connect'), null, 'an ancestor name is not a logger by itself');
  assert.equal(loggers.level('no.such.Logger'), null);
});

test('setLevel affects every existing logger whose name starts with the namespace (plain string prefix) and creates the namespace', () => {
  const { loggers, now } = setup();
  for (const name of [SINK_TASK, WORKER, MILVUS_TASK, 'org.apache.kafka.connector.Lookalike']) loggers.logger(name);

  const affected = loggers.setLevel('org.apache.kafka.connect', 'debug');

  assert.deepEqual(affected, ['org.apache.kafka.connect', 'org.apache.kafka.connect.runtime.Worker', SINK_TASK, 'org.apache.kafka.connector.Lookalike']);
  const changed = { level: 'DEBUG', last_modified: now() };
  assert.deepEqual(loggers.all(), {
    'org.apache.kafka.connect': changed,
    'org.apache.kafka.connect.runtime.Worker': changed,
    [SINK_TASK]: changed,
    'org.apache.kafka.connector.Lookalike': changed,
    root: { level: 'INFO', last_modified: null },
  });
  assert.deepEqual(loggers.level(MILVUS_TASK), { level: 'INFO', last_modified: null });
});

test('the affected loggers really log at the new level, others do not', () => {
  const { loggers, messages } = setup();
  const sink = loggers.logger(SINK_TASK);
  const milvus = loggers.logger(MILVUS_TASK);
  loggers.setLevel('org.apache', 'TRACE');
  sink.trace('sink trace');
  milvus.debug('milvus debug');
  assert.deepEqual(messages(), ['sink trace']);
});

test('setting the level a logger already has lists it but does not bump its last_modified', () => {
  const { loggers, tick } = setup();
  loggers.logger(SINK_TASK);
  loggers.setLevel(SINK_TASK, 'DEBUG');
  const first = loggers.level(SINK_TASK)!.last_modified;
  tick(5_000);
  assert.deepEqual(loggers.setLevel(SINK_TASK, 'debug'), [SINK_TASK]);
  assert.equal(loggers.level(SINK_TASK)!.last_modified, first);
  tick(5_000);
  loggers.setLevel(SINK_TASK, 'WARN');
  assert.ok(loggers.level(SINK_TASK)!.last_modified! > first!);
});

test('a namespace that already has the level through its ancestors is listed but not given a level of its own', () => {
  const { loggers } = setup();
  assert.deepEqual(loggers.setLevel('com.milvus', 'INFO'), ['com.milvus']);
  assert.deepEqual(loggers.level('com.milvus'), { level: 'INFO', last_modified: null });
  assert.deepEqual(Object.keys(loggers.all()), ['root']);
});

test('setting root changes every logger and root, and answers with all their names sorted', () => {
  const { loggers, messages, now } = setup();
  const milvus = loggers.logger(MILVUS_TASK);
  loggers.logger(SINK_TASK);
  assert.deepEqual(loggers.setLevel('Root', 'ERROR'), [MILVUS_TASK, SINK_TASK, 'root']);
  assert.deepEqual(loggers.level('root'), { level: 'ERROR', last_modified: now() });
  milvus.warn('suppressed');
  milvus.error('shown');
  assert.deepEqual(messages(), ['shown']);
});

test('a logger created after its ancestor got a level inherits that level (dotted hierarchy, as log4j)', () => {
  const { loggers, messages } = setup();
  loggers.setLevel('com.milvus.io.kafka', 'DEBUG');
  const task = loggers.logger(MILVUS_TASK);
  task.debug('inherited');
  assert.deepEqual(loggers.level(MILVUS_TASK), { level: 'DEBUG', last_modified: null });
  assert.deepEqual(messages(), ['inherited']);
  // a mere string prefix is not an ancestor
  loggers.logger('com.milvus.io.kafkaesque.Other').debug('not inherited');
  assert.deepEqual(messages(), ['inherited']);
});

test('log4j level names are accepted in any case and reported in upper case; OFF silences, ALL logs everything', () => {
  const { loggers, messages } = setup();
  const log = loggers.logger(SINK_TASK);
  loggers.setLevel(SINK_TASK, 'off');
  log.fatal('silenced');
  assert.equal(loggers.level(SINK_TASK)!.level, 'OFF');
  loggers.setLevel(SINK_TASK, 'All');
  log.trace('everything');
  assert.equal(loggers.level(SINK_TASK)!.level, 'ALL');
  assert.deepEqual(messages(), ['everything']);
  for (const level of ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL']) {
    assert.equal(parseLogLevel(level.toLowerCase()), level);
  }
});

test('an invalid level is a NotFoundError with Kafka’s message, and changes nothing', () => {
  const { loggers } = setup();
  assert.throws(
    () => loggers.setLevel('com.milvus', 'VERBOSE'),
    (e: Error) => e instanceof NotFoundError && e.message === "invalid log level 'VERBOSE'.",
  );
  assert.equal(loggers.level('com.milvus'), null);
  assert.throws(() => loggers.setLevel('com.milvus', ''), NotFoundError);
});

test('child loggers (per connector and task) carry their bindings and follow later level changes', () => {
  const { loggers, lines } = setup();
  const task = loggers.logger(MILVUS_TASK).child({ connector: 'milvus', task: 0 });
  const batch = task.child({ batch: 7 });
  task.debug('before');
  loggers.setLevel('com.milvus', 'DEBUG');
  task.debug('after');
  batch.debug('grandchild');
  assert.deepEqual(
    lines.map((l) => [l.msg, l.logger, l.connector, l.task, l.batch]),
    [
      ['after', MILVUS_TASK, 'milvus', 0, undefined],
      ['grandchild', MILVUS_TASK, 'milvus', 0, 7],
    ],
  );
});

test('a child given its own level at creation (as Fastify does per request) still follows the named logger', () => {
  const { loggers, messages } = setup();
  const named = loggers.logger('org.apache.kafka.connect.runtime.rest.RestServer');
  const earlyChild = named.child({ reqId: 'a' }, { level: 'info' });
  loggers.setLevel('org.apache.kafka.connect.runtime.rest', 'DEBUG');
  // created after the change but with the level captured before it
  const lateChild = named.child({ reqId: 'b' }, { level: 'info' });
  earlyChild.debug('early');
  lateChild.debug('late');
  loggers.setLevel('org.apache.kafka.connect.runtime.rest', 'WARN');
  earlyChild.info('early info suppressed');
  lateChild.info('late info suppressed');
  assert.deepEqual(messages(), ['early', 'late']);
});

test('start-up levels count as explicitly set but carry no last_modified', () => {
  const { loggers, messages } = setup({ levels: { 'org.apache.kafka': LogLevel.WARN, root: LogLevel.DEBUG } });
  assert.deepEqual(loggers.all(), {
    'org.apache.kafka': { level: 'WARN', last_modified: null },
    root: { level: 'DEBUG', last_modified: null },
  });
  loggers.logger(SINK_TASK).info('below WARN');
  loggers.logger(MILVUS_TASK).debug('root is DEBUG');
  assert.deepEqual(messages(), ['root is DEBUG']);
});

test('the root logger redacts tokens and passwords that reach a log line by mistake', () => {
  const lines: string[] = [];
  const root = createRootLogger({ destination: { write: (line: string) => void lines.push(line) } });
  root.info({ token: 'tok-1', config: { token: 'tok-2', topics: 'v' }, connector: { config: { token: 'tok-3' } } }, 'config');
  root.info({ password: 'pw-1', sasl: { password: 'pw-2' } }, 'creds');
  const output = lines.join('');
  for (const secret of ['tok-1', 'tok-2', 'tok-3', 'pw-1', 'pw-2']) assert.ok(!output.includes(secret), `${secret} leaked`);
  assert.match(output, /"topics":"v"/);
  assert.match(output, /\[hidden\]/);
});

test("another thread's Loggers follows this one: it starts from levels() and repeats each setLevel", () => {
  const main = setup({ levels: { root: LogLevel.WARN, 'org.apache.kafka': LogLevel.DEBUG } });
  const thread = setup({ levels: main.loggers.levels() });
  const repeated: string[] = [];
  const stop = main.loggers.onSetLevel((namespace, level) => {
    repeated.push(`${namespace}=${level}`);
    thread.loggers.setLevel(namespace, level);
  });
  assert.deepEqual(main.loggers.levels(), { root: 'WARN', 'org.apache.kafka': 'DEBUG' });
  thread.loggers.logger(SINK_TASK).debug('per batch detail');
  thread.loggers.logger(MILVUS_TASK).info('below WARN');
  assert.deepEqual(thread.messages(), ['per batch detail']);

  main.loggers.setLevel('com.milvus', 'info');
  thread.loggers.logger(MILVUS_TASK).info('now shown');
  assert.deepEqual(thread.messages(), ['per batch detail', 'now shown']);
  assert.deepEqual(repeated, ['com.milvus=INFO']);

  stop();
  main.loggers.setLevel('root', 'ERROR');
  assert.deepEqual(repeated, ['com.milvus=INFO'], 'no longer repeated once stopped');
  assert.throws(() => main.loggers.setLevel('root', 'LOUD'));
  assert.deepEqual(repeated, ['com.milvus=INFO'], 'a rejected level is not repeated');
});

test("write() puts a line another thread formatted into this process's destination, between its own", () => {
  const { loggers, messages } = setup();
  loggers.logger(WORKER).info('before');
  loggers.write(`${JSON.stringify({ level: 30, logger: SINK_TASK, msg: 'from the task thread' })}\n`);
  loggers.logger(WORKER).info('after');
  assert.deepEqual(messages(), ['before', 'from the task thread', 'after']);
});
