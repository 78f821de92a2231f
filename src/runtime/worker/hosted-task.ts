/**
 * One sink task inside a task thread (task-thread-entry.ts hosts one or more, all of one connector). It
 * builds what the task uses — converters, transformations, error handling, the DLQ producer, the Kafka
 * consumer — from the data the main thread resolved, runs the WorkerSinkTask loop, and answers the
 * main thread's target states and stop. Records are consumed, converted and written here and never
 * leave the thread; the main thread hears only states, topic reports, metric calls and the stop answer,
 * each tagged with the task's `ref`.
 */
import type { Converter, SinkConnectorPlugin } from '../../plugin/index.js';
import { transformationStageSpecs } from '../config/transformation-config.js';
import { createKafka } from '../kafka/client.js';
import { DlqProducer } from '../kafka/dlq-producer.js';
import { KafkaSinkConsumer } from '../kafka/sink-consumer.js';
import type { Loggers } from '../loggers.js';
import type { Plugins } from '../plugins.js';
import { State, TargetState, type StatusListener } from '../status/status.js';
import type { ConverterHandle } from './convert-messages.js';
import { errorHandlingConfig, ErrorReporter, formatTrace } from './error-handling.js';
import { SinkTaskMetricsBuffer } from './sink-task-metrics-buffer.js';
import { dlqProducerOptions, taskConsumerOptions, taskSubscription, type ConverterSpec, type FromTaskThread, type TaskData } from './task-thread-data.js';
import { TransformationChain } from './transformation-chain.js';
import { WorkerSinkTask } from './worker-sink-task.js';

export interface HostedTaskOptions {
  readonly ref: number;
  readonly data: TaskData;
  /** the thread's plugin registry, loaded once for every task it hosts */
  readonly plugins: Promise<Plugins>;
  readonly loggers: Loggers;
  /** whether the main thread exports metrics (else none are kept) */
  readonly metrics: boolean;
  readonly post: (message: FromTaskThread) => void;
  /** the task has nothing left in the thread (called just before `closed` is posted) */
  readonly onClosed: (task: HostedTask) => void;
}

function converter(spec: ConverterSpec, plugins: Plugins, kind: 'key' | 'value' | 'header'): ConverterHandle {
  const converterPlugin = plugins.converter(spec.className);
  const instance: Converter = converterPlugin.create();
  instance.configure(spec.props, kind === 'key');
  return { converter: instance, className: converterPlugin.className };
}

export class HostedTask {
  readonly ref: number;
  readonly #o: HostedTaskOptions;
  readonly #bindings: { connector: string; task: number };
  readonly #metrics: SinkTaskMetricsBuffer | null;
  readonly #listener: StatusListener;
  /** the connector plugin, once the registry is loaded (its metrics are the thread's to read) */
  #plugin: SinkConnectorPlugin | null = null;
  #task: WorkerSinkTask | null = null;
  #target: TargetState;
  #stopRequested = false;
  /** the task could not be built (already reported FAILED) */
  #buildFailed = false;
  #closed = false;
  readonly #built: Promise<void>;

  constructor(options: HostedTaskOptions) {
    this.#o = options;
    this.ref = options.ref;
    const { id } = options.data;
    this.#bindings = { connector: id.connector, task: id.task };
    this.#target = options.data.targetState;
    this.#metrics = options.metrics ? new SinkTaskMetricsBuffer(() => this.sendMetrics()) : null;
    const { ref, post } = options;
    this.#listener = {
      onTaskState: (_id, state, trace) => {
        post({ type: 'task-state', ref, state, ...(trace === undefined ? {} : { trace }) });
        // a failed task releases its resources on its own; once that is done it has nothing left here
        if (state === State.FAILED && this.#task !== null) void this.#task.closed().then(this.#close, this.#close);
      },
      onTopicActive: (_connector, topic) => post({ type: 'topic-active', ref, topic }),
      onConnectorState: () => {},
      onTaskReconfigurationRequested: () => {},
    };
    this.#built = this.#build().then(
      (built) => {
        if (built === null) return;
        this.#task = built;
        // like Kafka's executor: the task starts on its own and reports RUNNING, PAUSED or FAILED
        void built.start();
      },
      (error: unknown) => {
        this.#buildFailed = true;
        this.#log().error({ err: error }, `Failed to start task ${id.connector}-${id.task}`);
        // once stopped, the task is UNASSIGNED: its failure to start no longer changes that
        if (this.#stopRequested) return;
        this.#listener.onTaskState(id, State.FAILED, formatTrace(error));
        this.#close();
      },
    );
  }

  /** The connector plugin once loaded: the thread reads the plugin's metrics from it. */
  get plugin(): SinkConnectorPlugin | null {
    return this.#plugin;
  }

  transitionTo(state: TargetState): void {
    this.#target = state;
    if (this.#task !== null) this.#task.transitionTo(state);
    // not built yet: say so now, as a task that has not started does; it starts in this state
    else if (!this.#stopRequested && state !== TargetState.STOPPED) {
      this.#listener.onTaskState(this.#o.data.id, state === TargetState.PAUSED ? State.PAUSED : State.RUNNING);
    }
  }

  async stop(): Promise<void> {
    if (this.#stopRequested) return;
    this.#stopRequested = true;
    // a task still being built has nothing to commit: it answers at once and closes once the build is over
    if (this.#task !== null) await this.#task.stop();
    else if (!this.#buildFailed) this.#listener.onTaskState(this.#o.data.id, State.UNASSIGNED);
    this.sendMetrics();
    this.#o.post({ type: 'stopped', ref: this.ref });
    if (this.#task !== null) await this.#task.closed();
    else await this.#built;
    this.#close();
  }

  /** Hands the task's metric calls since the last time to the main thread. */
  sendMetrics(): void {
    if (this.#metrics === null) return;
    const calls = this.#metrics.take();
    if (calls.length > 0) this.#o.post({ type: 'metrics', ref: this.ref, calls });
  }

  /** Once: the task has nothing left in the thread. */
  readonly #close = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.sendMetrics();
    this.#o.onClosed(this);
    this.#o.post({ type: 'closed', ref: this.ref });
  };

  #log() {
    return this.#o.loggers.logger('org.apache.kafka.connect.runtime.WorkerSinkTask').child(this.#bindings);
  }

  /** Builds the task; null when a stop came first (what was built is released). */
  async #build(): Promise<WorkerSinkTask | null> {
    const { data, loggers } = this.#o;
    const { id } = data;
    const bindings = this.#bindings;
    const plugins = await this.#o.plugins;
    const plugin = plugins.connector(data.connectorClass);
    this.#plugin = plugin;
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
    if (this.#stopRequested) {
      await release();
      return null;
    }
    const metrics = this.#metrics;
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
      listener: this.#listener,
      logger: this.#log(),
      taskLogger: loggers.logger(plugin.taskClassName).child(bindings),
      initialState: this.#target,
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
}
