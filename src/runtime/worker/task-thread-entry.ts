/**
 * The entry module of one sink task's thread (TaskThread starts it). It loads the plugin registry from
 * the main thread's plugin modules, builds what the task uses — converters, error handling, the DLQ
 * producer, the Kafka consumer — and runs the WorkerSinkTask loop. Records are consumed, converted and
 * written here and never leave the thread; the main thread hears only task states, topic reports,
 * metric calls, log lines, and the answer to its stop message (task-thread-data.ts).
 *
 * When the task is done (stopped, or failed and released) the thread says `closed` and the main thread
 * ends it. An uncaught exception or a `process.exit` here ends the thread; the main thread reports that.
 */
import { transformationStageSpecs } from '../config/transformation-config.js';
import { TransformationChain } from './transformation-chain.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { Converter, SinkConnectorPlugin } from '../../plugin/index.js';
import { createKafka } from '../kafka/client.js';
import { DlqProducer } from '../kafka/dlq-producer.js';
import { KafkaSinkConsumer } from '../kafka/sink-consumer.js';
import { createRootLogger, Loggers } from '../loggers.js';
import { Plugins } from '../plugins.js';
import { State, TargetState, type StatusListener } from '../status/status.js';
import type { ConverterHandle } from './convert-messages.js';
import { errorHandlingConfig, ErrorReporter, formatTrace } from './error-handling.js';
import { SinkTaskMetricsBuffer } from './sink-task-metrics-buffer.js';
import {
  dlqProducerOptions,
  taskConsumerOptions,
  taskSubscription,
  type ConverterSpec,
  type FromTaskThread,
  type TaskThreadData,
  type ToTaskThread,
} from './task-thread-data.js';
import { WorkerSinkTask } from './worker-sink-task.js';

/** How often the task's metric calls and its plugin's metrics go to the main thread. */
const METRICS_INTERVAL_MS = 1000;

if (parentPort === null) throw new Error('task-thread-entry runs only as a worker thread (TaskThread starts it)');
const port = parentPort;
const data = workerData as TaskThreadData;
const { id } = data;
const bindings = { connector: id.connector, task: id.task };
const post = (message: FromTaskThread): void => port.postMessage(message);

const loggers = new Loggers(createRootLogger({ destination: { write: (line: string) => post({ type: 'log', line }) } }), { levels: data.logLevels });
const log = loggers.logger('org.apache.kafka.connect.runtime.WorkerSinkTask').child(bindings);

let plugin: SinkConnectorPlugin | null = null;
const metrics = data.metrics ? new SinkTaskMetricsBuffer(() => sendMetrics()) : null;

function sendMetrics(): void {
  if (metrics === null) return;
  let samples = null;
  try {
    samples = plugin?.metrics ? [...plugin.metrics(id.connector)] : null;
  } catch (error) {
    log.debug({ err: error }, 'The plugin metrics could not be read');
  }
  post({ type: 'metrics', calls: metrics.take(), plugin: samples });
}

const listener: StatusListener = {
  onTaskState: (_id, state, trace) => {
    post({ type: 'task-state', state, ...(trace === undefined ? {} : { trace }) });
    // a failed task releases its resources on its own; once that is done the thread has nothing left
    if (state === State.FAILED && task !== null) void task.closed().then(close, close);
  },
  onTopicActive: (_connector, topic) => post({ type: 'topic-active', topic }),
  onConnectorState: () => {},
  onTaskReconfigurationRequested: () => {},
};

let task: WorkerSinkTask | null = null;
let target = data.targetState;
let stopRequested = false;
/** the task could not be built (already reported FAILED) */
let buildFailed = false;
let closed = false;

/** Once: the thread has nothing left to do; the main thread ends it. */
function close(): void {
  if (closed) return;
  closed = true;
  sendMetrics();
  post({ type: 'closed' });
}

port.on('message', (message: ToTaskThread) => {
  switch (message.type) {
    case 'target-state':
      target = message.state;
      if (task !== null) task.transitionTo(message.state);
      // not built yet: say so now, as a task that has not started does; it starts in this state
      else if (!stopRequested && message.state !== TargetState.STOPPED) {
        listener.onTaskState(id, message.state === TargetState.PAUSED ? State.PAUSED : State.RUNNING);
      }
      break;
    case 'stop':
      void stop();
      break;
    case 'log-level':
      loggers.setLevel(message.namespace, message.level);
      break;
  }
});

async function stop(): Promise<void> {
  if (stopRequested) return;
  stopRequested = true;
  // a task still being built has nothing to commit: it answers at once and closes once the build is over
  if (task !== null) await task.stop();
  else if (!buildFailed) listener.onTaskState(id, State.UNASSIGNED);
  sendMetrics();
  post({ type: 'stopped' });
  if (task !== null) await task.closed();
  else await built;
  close();
}

function converter(spec: ConverterSpec, plugins: Plugins, kind: 'key' | 'value' | 'header'): ConverterHandle {
  const converterPlugin = plugins.converter(spec.className);
  const instance: Converter = converterPlugin.create();
  instance.configure(spec.props, kind === 'key');
  return { converter: instance, className: converterPlugin.className };
}

/** Builds the task from what the main thread resolved; null when a stop came first (what was built is released). */
async function build(): Promise<WorkerSinkTask | null> {
  const plugins = await Plugins.load(data.plugins);
  plugins.routeLogs((name) => loggers.logger(name));
  plugin = plugins.connector(data.connectorClass);
  const keyConverter = converter(data.keyConverter, plugins, 'key');
  const valueConverter = converter(data.valueConverter, plugins, 'value');
  const headerConverter = converter(data.headerConverter, plugins, 'header');
  const options = taskConsumerOptions(data);
  // built before anything that needs closing: a transformation that refuses its config fails the start
  const transformations = TransformationChain.create(
    transformationStageSpecs(data.connectorConfig, {
      component: (kind, className) => (kind === 'Transformation' ? plugins.findTransformation(className) : plugins.findPredicate(className)),
    }),
  );
  const errorConfig = errorHandlingConfig(data.connectorConfig);
  let dlq: DlqProducer | undefined;
  if (errorConfig.dlqTopic !== '') {
    try {
      dlq = await DlqProducer.create({
        kafka: createKafka(dlqProducerOptions(data).client, loggers, bindings),
        topic: errorConfig.dlqTopic,
        replicationFactor: errorConfig.dlqReplicationFactor,
        logger: loggers.logger('org.apache.kafka.connect.runtime.errors.DeadLetterQueueReporter').child(bindings),
      });
    } catch (error) {
      transformations.close();
      throw new Error(`Could not initialize dead letter queue with topic=${errorConfig.dlqTopic}`, { cause: error });
    }
  }
  const release = async () => {
    transformations.close();
    await dlq?.close();
  };
  if (stopRequested) {
    await release();
    return null;
  }
  const errors = new ErrorReporter({
    id,
    config: errorConfig,
    logger: loggers.logger('org.apache.kafka.connect.runtime.errors.LogReporter').child(bindings),
    ...(metrics ? { metrics } : {}),
    ...(dlq ? { dlq } : {}),
  });
  const consumer = new KafkaSinkConsumer({
    kafka: createKafka(options.client, loggers, bindings),
    consumer: options.consumer,
    topics: taskSubscription(data),
    fromBeginning: options.fromBeginning,
  });
  return new WorkerSinkTask({
    id,
    task: plugin.createTask(),
    taskClassName: plugin.taskClassName,
    taskConfig: data.taskConfig,
    consumer,
    keyConverter,
    valueConverter,
    headerConverter,
    transformations,
    errors,
    listener,
    logger: log,
    taskLogger: loggers.logger(plugin.taskClassName).child(bindings),
    initialState: target,
    offsetFlushIntervalMs: data.offsetFlushIntervalMs,
    offsetFlushTimeoutMs: data.offsetFlushTimeoutMs,
    shutdownTimeoutMs: data.shutdownTimeoutMs,
    heartbeatIntervalMs: options.consumer.heartbeatInterval ?? 3000,
    maxPollRecords: options.maxPollRecords,
    topicTracking: data.topicTracking,
    ...(metrics ? { metrics } : {}),
    release,
  });
}

const built = build().then(
  (built) => {
    if (built === null) return;
    task = built;
    // like Kafka's executor: the task starts on its own and reports RUNNING, PAUSED or FAILED
    void built.start();
  },
  (error: unknown) => {
    buildFailed = true;
    log.error({ err: error }, `Failed to start task ${id.connector}-${id.task}`);
    // once stopped, the task is UNASSIGNED: its failure to start no longer changes that
    if (stopRequested) return;
    listener.onTaskState(id, State.FAILED, formatTrace(error));
    close();
  },
);

setInterval(sendMetrics, METRICS_INTERVAL_MS).unref();
