/**
 * The entry module of a task thread (TaskThread starts it). The thread runs tasks of one connector: it
 * loads the plugin registry from the main thread's plugin modules once, then hosts each task the main
 * thread starts in it (hosted-task.ts) until that task has closed. Tasks of one thread share its module
 * graph — one Milvus client per connection, one copy of the SDK's protobuf definitions — which is why a
 * thread hosts several tasks rather than one.
 *
 * The main thread ends the thread once it has no task left. An uncaught exception or a `process.exit`
 * here ends the thread and every task in it; the main thread reports that.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { PluginMetric, SinkConnectorPlugin } from '../../plugin/index.js';
import { createRootLogger, Loggers } from '../loggers.js';
import { Plugins } from '../plugins.js';
import { HostedTask } from './hosted-task.js';
import type { FromTaskThread, TaskThreadData, ToTaskThread } from './task-thread-data.js';

/** How often the tasks' metric calls and the plugin's metrics go to the main thread. */
const METRICS_INTERVAL_MS = 1000;

if (parentPort === null) throw new Error('task-thread-entry runs only as a worker thread (TaskThread starts it)');
const port = parentPort;
const data = workerData as TaskThreadData;
const post = (message: FromTaskThread): void => port.postMessage(message);

const loggers = new Loggers(createRootLogger({ destination: { write: (line: string) => post({ type: 'log', line }) } }), { levels: data.logLevels });
lowerPriority(data.nice);
const plugins = Plugins.load(data.plugins).then((loaded) => {
  loaded.routeLogs((name) => loggers.logger(name));
  return loaded;
});
// each task that needs the registry reports the failure as its own
plugins.catch(() => undefined);

const tasks = new Map<number, HostedTask>();
/** the connector plugins the thread's tasks have used: they count in module state, which all its tasks share */
const plugged = new Set<SinkConnectorPlugin>();

function sendMetrics(): void {
  if (!data.metrics) return;
  for (const task of tasks.values()) task.sendMetrics();
  sendPluginMetrics();
}

/** One sample set per plugin for the whole thread, not per task (each task's would count the others' too). */
function sendPluginMetrics(): void {
  for (const task of tasks.values()) if (task.plugin?.metrics) plugged.add(task.plugin);
  if (plugged.size === 0) return;
  const samples: PluginMetric[] = [];
  for (const plugin of plugged) {
    try {
      samples.push(...(plugin.metrics?.(data.connector) ?? []));
    } catch (error) {
      loggers.logger('org.apache.kafka.connect.runtime.WorkerSinkTask').debug({ err: error }, 'The plugin metrics could not be read');
    }
  }
  post({ type: 'plugin-metrics', samples });
}

/**
 * Lowers this thread's scheduling priority by `nice` (worker `task.threads.nice`). On Linux a thread has a
 * priority of its own, addressed by its thread id: when the cores are busy, the main thread (REST, the
 * herder, statuses) and the servers the tasks wait for get them first; when they are not, nothing changes.
 */
function lowerPriority(nice: number): void {
  if (nice === 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, Math.min(19, getPriority(tid) + nice));
  } catch (error) {
    // not Linux (no per-thread priority to address): the thread runs at the process's priority
    loggers.logger('org.apache.kafka.connect.runtime.Worker').debug({ err: error }, 'The task thread keeps the priority of the process');
  }
}

port.on('message', (message: ToTaskThread) => {
  switch (message.type) {
    case 'start-task':
      tasks.set(
        message.ref,
        new HostedTask({
          ref: message.ref,
          data: message.task,
          plugins,
          loggers,
          metrics: data.metrics,
          post,
          onClosed: (task) => {
            // the main thread may end the thread once the task is closed: what it counted goes first
            if (data.metrics) sendPluginMetrics();
            tasks.delete(task.ref);
          },
        }),
      );
      break;
    case 'target-state':
      tasks.get(message.ref)?.transitionTo(message.state);
      break;
    case 'stop':
      void tasks.get(message.ref)?.stop();
      break;
    case 'log-level':
      loggers.setLevel(message.namespace, message.level);
      break;
    case 'ping':
      post({ type: 'pong' });
      break;
  }
});

setInterval(sendMetrics, METRICS_INTERVAL_MS).unref();
