/**
 * Each task runs in a task thread of its connector: a task whose thread dies (an uncaught exception, process.exit,
 * a heap that outgrew task.heap.max.mb) or stops answering is a FAILED task with a trace that says what
 * happened — never a dead or hung worker. The other tasks, the herder and the REST API go on. Against the
 * real broker of the test stack, with the recording sink (recording-sink.ts) doing the damage.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { BUILTIN_CONVERTERS_MODULE } from '../../src/converters/index.js';
import { createRootLogger, Loggers, LogLevel } from '../../src/runtime/loggers.js';
import { Plugins } from '../../src/runtime/plugins.js';
import { StandaloneWorker } from '../../src/runtime/worker/standalone-worker.js';
import { STOP_ANSWER_MARGIN_MS } from '../../src/runtime/worker/threaded-task.js';
import {
  fixtureWithTopic,
  groupMembers,
  realHerder,
  recorder,
  RECORDING_SINK,
  RECORDING_TASK,
  recordingPlugins,
  testWorkerConfig,
  uniqueName,
  waitFor,
  type Fixture,
} from './worker-fixture.js';
import { LOAD_MS, SLOW_LOADING_SINK, SLOW_LOADING_SINK_MODULE } from '../helpers/slow-loading-sink.js';

const ids = (name: string) =>
  recorder(name)
    .puts.flat()
    .map((r) => (r.value as { id: number }).id);

/** The nice level of one of this process's threads (Linux: field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNice(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => threadNice(Number(tid)));
}

/** Waits for the task's FAILED report and returns its trace. */
async function failedTrace(f: Fixture, name: string): Promise<string> {
  const failed = await waitFor(`${name}-0 FAILED`, () => {
    const state = f.listener.taskState(name);
    return state?.state === 'FAILED' ? state : undefined;
  });
  return failed.trace ?? '';
}

/** A second connector of the same worker that keeps delivering while the other's thread dies. */
async function witness(f: Fixture): Promise<{ name: string; topic: string; delivers: (id: number) => Promise<void> }> {
  const name = uniqueName('witness');
  const topic = uniqueName('it-witness');
  await f.createTopic(topic);
  await f.startConnector(name, { topics: topic });
  return {
    name,
    topic,
    delivers: async (id) => {
      await f.produce(topic, [{ id }]);
      await waitFor(`the witness to receive record ${id}`, () => ids(name).includes(id));
    },
  };
}

test('a thread that dies of an uncaught exception is a FAILED task with that trace; the other task goes on; a restart delivers what was lost', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'throw');
  const other = await witness(f);
  await f.produce(topic, [{ id: 1 }, { id: 2 }]);
  const config = await f.startConnector(name, { topics: topic, 'test.put.crash': 'throw' });

  const trace = await failedTrace(f, name);
  assert.match(trace, new RegExp(`^ConnectError: The thread of task ${name}-0 crashed with an uncaught exception\\. Its consumer could not leave the group`));
  assert.match(trace, /\nCaused by: Error: The sink hit a bug it did not expect\n {4}at /);
  assert.deepEqual(
    f.listener.tasks.get(`${name}-0`)?.map((s) => s.state),
    ['RUNNING', 'FAILED'],
  );
  await other.delivers(3);
  assert.deepEqual(await f.committed(`connect-${name}`), {}, 'nothing of the crashed put is committed');

  // the restart (as the herder does it: stop the failed instance, start a new one) gets the records again,
  // once the dead thread's consumer has been dropped from the group after its session timeout
  await f.worker.stopTask({ connector: name, task: 0 });
  const { 'test.put.crash': _crash, ...fixed } = config;
  assert.equal(await f.worker.startTask({ connector: name, task: 0 }, fixed, fixed, 'STARTED', f.listener), true);
  await waitFor('both records after the restart', () => ids(name).length === 2);
  assert.deepEqual(ids(name), [1, 2]);
  await waitFor('the commit', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 2);
});

test('with task.threads.per.connector=1 the tasks of a connector share one thread: a crash there fails all of them, and no other connector', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'shared', { partitions: 2, workerProps: { 'task.threads.per.connector': '1' } });
  const other = await witness(f);
  await f.startConnector(name, { topics: topic, 'test.put.crash': 'throw' }, 2);
  assert.deepEqual(
    f.worker.taskThreadCounts(),
    new Map([
      [other.name, 1],
      [name, 1],
    ]),
  );
  await waitFor('both tasks in the group', async () => {
    const group = await groupMembers(f.admin, `connect-${name}`);
    return group.state === 'Stable' && group.members === 2;
  });
  // the first put() with records throws: whichever task gets it, the thread ends, and both tasks with it
  await f.produce(topic, [{ id: 1 }], 0);
  await f.produce(topic, [{ id: 2 }], 1);
  const failed = await waitFor('both tasks FAILED', () => {
    const states = [0, 1].map((task) => f.listener.tasks.get(`${name}-${task}`)?.at(-1));
    return states.every((s) => s?.state === 'FAILED') ? states : undefined;
  });
  for (const [task, state] of failed.entries()) {
    assert.match(state?.trace ?? '', new RegExp(`^ConnectError: The thread of task ${name}-${task} crashed with an uncaught exception\\. `));
  }
  await other.delivers(3);
  assert.equal(f.worker.taskThreadCounts().get(name), undefined, 'the dead thread is forgotten');
});

test('a connector spreads its tasks evenly over up to task.threads.per.connector threads, and a restarted task reuses its idle thread', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'spread', { partitions: 4, workerProps: { 'task.threads.per.connector': '2' } });
  await f.startConnector(name, { topics: topic }, 4);
  assert.equal(f.worker.taskThreadCounts().get(name), 2);

  const single = uniqueName('single');
  const config = await f.startConnector(single, { topics: topic, 'consumer.override.group.id': `connect-${single}` });
  assert.equal(f.worker.taskThreadCounts().get(single), 1);
  // the stopped task is still leaving the group in its thread; the new one starts there, loading nothing again
  await f.worker.stopTask({ connector: single, task: 0 });
  assert.equal(await f.worker.startTask({ connector: single, task: 0 }, config, { ...config, 'task.class': RECORDING_TASK }, 'STARTED', f.listener), true);
  assert.equal(f.worker.taskThreadCounts().get(single), 1);
  await f.produce(topic, [{ id: 1 }]);
  await waitFor('the restarted task to deliver', () => ids(single).includes(1));
});

test('task threads run task.threads.nice below the priority of the process; the main thread keeps it', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'nice', { workerProps: { 'task.threads.nice': '7' } });
  const base = getPriority();
  await f.startConnector(name, { topics: topic });
  await waitFor('the task RUNNING', () => f.listener.taskState(name)?.state === 'RUNNING');
  const nices = threadNices();
  assert.equal(nices.filter((nice) => nice === Math.min(19, base + 7)).length, 1, `one thread lowered: ${nices}`);
  assert.equal(nices.filter((nice) => nice !== base && nice !== Math.min(19, base + 7)).length, 0);
  assert.equal(threadNice(process.pid), base, 'the main thread');
});

test("process.exit() in a task's code ends its thread only: the task is FAILED, saying so, and the worker goes on", async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'exit');
  const other = await witness(f);
  await f.produce(topic, [{ id: 1 }]);
  await f.startConnector(name, { topics: topic, 'test.put.crash': 'exit' });

  assert.match(
    await failedTrace(f, name),
    new RegExp(`^ConnectError: The thread of task ${name}-0 exited with code 7 \\(process\\.exit\\(\\) in the task's code\\?\\)\\. `),
  );
  await other.delivers(2);
});

test('a task that outgrows task.heap.max.mb is FAILED (out of memory) while the worker and its other task run on', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'heap', { workerProps: { 'task.heap.max.mb': '96' } });
  const other = await witness(f);
  await f.produce(topic, [{ id: 1 }]);
  await f.startConnector(name, { topics: topic, 'test.put.crash': 'allocate' });

  assert.match(
    await failedTrace(f, name),
    new RegExp(`^ConnectError: The thread of task ${name}-0 ran out of memory: its heap reached task\\.heap\\.max\\.mb=96\\. `),
  );
  assert.deepEqual(
    f.listener.tasks.get(`${name}-0`)?.map((s) => s.state),
    ['RUNNING', 'FAILED'],
    'it had started: the heap filled up in put()',
  );
  await other.delivers(2);
});

test('a thread that does not answer a stop is terminated after the graceful window and reported FAILED; Kafka drops its consumer at the session timeout', async (t) => {
  const graceful = 1000;
  const { f, topic, name } = await fixtureWithTopic(t, 'spin', { workerProps: { 'task.shutdown.graceful.timeout.ms': String(graceful) } });
  const other = await witness(f);
  await f.produce(topic, [{ id: 1 }]);
  await f.startConnector(name, { topics: topic, 'test.stop.spin': 'true' });
  await waitFor('the record put', () => ids(name).length === 1);

  const started = performance.now();
  await f.worker.stopTask({ connector: name, task: 0 });
  const took = performance.now() - started;
  const bound = graceful + STOP_ANSWER_MARGIN_MS;
  assert.ok(took >= bound && took < bound + 1000, `the stop answered after ${took.toFixed(0)} ms`);
  const failed = f.listener.taskState(name);
  assert.equal(failed?.state, 'FAILED');
  assert.match(
    failed?.trace ?? '',
    new RegExp(
      `^ConnectError: The thread of task ${name}-0 did not answer the stop within ${bound} ms \\(task\\.shutdown\\.graceful\\.timeout\\.ms \\+ 500 ms\\): its event loop is blocked\\. The thread was terminated`,
    ),
  );
  await other.delivers(2);
  // the terminated thread could not leave the group: the broker removes it once its session expires
  await waitFor('the group empty after the session timeout', async () => (await groupMembers(f.admin, `connect-${name}`)).state === 'Empty', 30_000);
});

test('a thread whose event loop stops answering while its task runs is terminated after task.threads.unresponsive.timeout.ms; the task is FAILED, saying so, and the worker goes on', async (t) => {
  const timeout = 5000;
  const { f, topic, name } = await fixtureWithTopic(t, 'blocked', { workerProps: { 'task.threads.unresponsive.timeout.ms': String(timeout) } });
  const other = await witness(f);
  await f.produce(topic, [{ id: 1 }]);
  await f.startConnector(name, { topics: topic, 'test.put.crash': 'spin' });

  const trace = await failedTrace(f, name);
  assert.match(
    trace,
    new RegExp(
      `^ConnectError: The thread of task ${name}-0 was terminated: its event loop did not answer for \\d+ ms \\(task\\.threads\\.unresponsive\\.timeout\\.ms=${timeout}\\): code in one of its tasks blocks it\\. Its consumer could not leave the group`,
    ),
  );
  assert.deepEqual(
    f.listener.tasks.get(`${name}-0`)?.map((s) => s.state),
    ['RUNNING', 'FAILED'],
  );
  await other.delivers(2);
  assert.equal(f.worker.taskThreadCounts().get(name), undefined, 'the thread is gone');
});

test('over REST: a task whose thread crashed shows FAILED with its trace, the API and the other connector answer, and a config fix brings it back', async (t) => {
  const { herder, close } = await realHerder();
  t.after(close);
  const app = buildApp({ herder });
  t.after(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const rest = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // REST answers of several shapes, read field by field
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
  };
  // the fixture's Kafka clients make topics and records; its own worker stays idle
  const { f, topic, name: crashing } = await fixtureWithTopic(t, 'rest');
  const steady = uniqueName('steady');
  await f.createTopic(steady);
  const config = { 'connector.class': RECORDING_SINK, topics: topic };
  assert.equal((await rest('POST', '/connectors', { name: steady, config: { 'connector.class': RECORDING_SINK, topics: steady } })).status, 201);
  assert.equal((await rest('POST', '/connectors', { name: crashing, config: { ...config, 'test.put.crash': 'throw' } })).status, 201);
  await f.produce(topic, [{ id: 1 }]);

  const task = await waitFor('the crashed task FAILED in its status', async () => {
    const { body } = await rest('GET', `/connectors/${crashing}/status`);
    return body.tasks[0]?.state === 'FAILED' ? body.tasks[0] : undefined;
  });
  assert.match(task.trace, /crashed with an uncaught exception[\s\S]*Caused by: Error: The sink hit a bug it did not expect/);
  // the other connector's thread may still be loading (task threads start at a lower priority): it comes up regardless
  await waitFor('the steady connector RUNNING', async () => (await rest('GET', `/connectors/${steady}/status`)).body.tasks[0]?.state === 'RUNNING');
  await f.produce(steady, [{ id: 10 }]);
  await waitFor('the steady connector to deliver', () => ids(steady).includes(10));
  assert.deepEqual((await rest('GET', '/connectors')).body.sort(), [crashing, steady].sort());

  // the new task gets the partition once the broker dropped the dead thread's consumer (session timeout)
  assert.equal((await rest('PUT', `/connectors/${crashing}/config`, config)).status, 200);
  await waitFor('the record once the fixed task runs', () => ids(crashing).includes(1), 30_000);
  assert.equal((await rest('GET', `/connectors/${crashing}/status`)).body.tasks[0].state, 'RUNNING');
  assert.deepEqual(ids(crashing), [1], 'delivered once: the crashed put was never accepted');
});

test("a task thread logs through the worker's log destination with the task's context, and follows level changes made on the main thread", async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'logs');
  const lines: Array<Record<string, unknown>> = [];
  const loggers = new Loggers(createRootLogger({ level: LogLevel.INFO, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } }));
  const worker = new StandaloneWorker({ workerConfig: testWorkerConfig(), plugins: await recordingPlugins(), loggers });
  t.after(() => worker.stop());
  const config = { name, 'connector.class': RECORDING_SINK, topics: topic };
  await worker.startTask({ connector: name, task: 0 }, config, config, 'STARTED', f.listener);
  await f.produce(topic, [{ id: 1 }]);

  const assigned = await waitFor("the thread's assignment line", () => lines.find((l) => l.msg === `Assigned partitions [${topic}-0]`));
  assert.equal(assigned.logger, 'org.apache.kafka.connect.runtime.WorkerSinkTask');
  assert.equal(assigned.connector, name);
  assert.equal(assigned.task, 0);
  const commitLine = () => lines.find((l) => String(l.msg).startsWith(`Committed offsets ${topic}-0=`));
  await waitFor('the first commit', async () => (await f.committed(`connect-${name}`))[`${topic}-0`] === 1);
  assert.equal(commitLine(), undefined, 'commits are logged at DEBUG, below INFO');

  loggers.setLevel('org.apache.kafka.connect.runtime.WorkerSinkTask', 'DEBUG');
  await f.produce(topic, [{ id: 2 }]);
  const debug = await waitFor('a DEBUG commit line from the thread', commitLine);
  assert.equal(debug.connector, name);
});

test('a task stopped while its thread is still loading is UNASSIGNED, not FAILED: it is ended at once and never joined the group', async (t) => {
  const { f, topic, name } = await fixtureWithTopic(t, 'early-stop');
  const graceful = 1000;
  const worker = new StandaloneWorker({
    workerConfig: testWorkerConfig({ 'task.shutdown.graceful.timeout.ms': String(graceful) }),
    plugins: await Plugins.load([BUILTIN_CONVERTERS_MODULE, SLOW_LOADING_SINK_MODULE]),
    loggers: new Loggers(createRootLogger({ level: LogLevel.OFF })),
  });
  t.after(() => worker.stop());
  const config = { name, 'connector.class': SLOW_LOADING_SINK, topics: topic };
  assert.equal(await worker.startTask({ connector: name, task: 0 }, config, config, 'STARTED', f.listener), true);
  const started = performance.now();
  await worker.stopTask({ connector: name, task: 0 });
  const took = performance.now() - started;
  assert.ok(took < LOAD_MS, `the stop answered after ${took.toFixed(0)} ms, without waiting for the load`);
  assert.deepEqual(f.listener.tasks.get(`${name}-0`), [{ state: 'UNASSIGNED' }]);
  assert.deepEqual(await groupMembers(f.admin, `connect-${name}`), { state: 'Dead', members: 0 });
});
