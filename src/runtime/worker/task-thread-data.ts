/**
 * What crosses between the main thread and a task thread: the data the thread starts with (its
 * `workerData`), the data each task it hosts is built from (everything resolved on the main thread:
 * config placeholders, plugin class names, client properties) and the small messages both ways. Records never cross; neither do functions, so
 * the Kafka client options are derived from plain properties on each side by the same functions below.
 */
import type { PluginMetric } from '../../plugin/index.js';
import type { ConnectorConfig } from '../../store/types.js';
import { consumerOptions, producerOptions, type ClientOptions, type ConsumerOptions } from '../kafka/client-config.js';
import { javaRegexToRegExp } from '../kafka/topic-pattern.js';
import type { LogLevel } from '../loggers.js';
import type { PluginModule } from '../plugins.js';
import type { ConnectorTaskId, State, TargetState } from '../status/status.js';
import type { SinkTaskMetricsCall } from './sink-task-metrics-buffer.js';

/** A converter as the thread builds it: its full class name and the settings it is configured with. */
export interface ConverterSpec {
  readonly className: string;
  readonly props: Readonly<Record<string, string>>;
}

/** What a task thread starts with (its `workerData`): what every task it hosts shares. */
export interface TaskThreadData {
  /** the connector whose tasks the thread runs (a thread never mixes connectors) */
  readonly connector: string;
  /** the modules the thread loads its plugin registry from (the main thread's) */
  readonly plugins: readonly PluginModule[];
  /** the main thread's log levels when the thread started; changes follow as messages */
  readonly logLevels: Readonly<Record<string, LogLevel>>;
  /** whether the main thread exports metrics (else the thread sends none) */
  readonly metrics: boolean;
  /** worker `task.threads.nice`: how much lower than the process's the thread's scheduling priority is */
  readonly nice: number;
}

/** What a thread builds one task from: everything resolved on the main thread. */
export interface TaskData {
  readonly id: ConnectorTaskId;
  /** the connector plugin's full class name */
  readonly connectorClass: string;
  /** placeholders resolved */
  readonly connectorConfig: ConnectorConfig;
  readonly taskConfig: ConnectorConfig;
  readonly targetState: TargetState;
  readonly keyConverter: ConverterSpec;
  readonly valueConverter: ConverterSpec;
  readonly headerConverter: ConverterSpec;
  /** `connect-<connector>` unless `consumer.override.group.id` says otherwise */
  readonly groupId: string;
  /** worker `consumer.*` with the connector's `consumer.override.*` over it */
  readonly consumerProps: Readonly<Record<string, string>>;
  /** worker `producer.*` with the connector's `producer.override.*` over it (the DLQ producer) */
  readonly producerProps: Readonly<Record<string, string>>;
  readonly bootstrapServers: readonly string[];
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly topicTracking: boolean;
}

/**
 * Main thread → task thread. `ref` names one hosted task for the thread's life: a restarted task (the
 * same connector and task number) is a new ref, so the old one's late messages never reach the new one.
 */
export type ToTaskThread =
  | { readonly type: 'start-task'; readonly ref: number; readonly task: TaskData }
  | { readonly type: 'target-state'; readonly ref: number; readonly state: TargetState }
  | { readonly type: 'stop'; readonly ref: number }
  | { readonly type: 'log-level'; readonly namespace: string; readonly level: LogLevel }
  /** answered with `pong` at once: the main thread's check that the thread's event loop still turns */
  | { readonly type: 'ping' };

/** Task thread → main thread, in the order things happened there. */
export type FromTaskThread =
  | { readonly type: 'pong' }
  /** one JSON log line, formatted and filtered by level in the thread */
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'task-state'; readonly ref: number; readonly state: State; readonly trace?: string }
  | { readonly type: 'topic-active'; readonly ref: number; readonly topic: string }
  /** the task's metric calls since the last batch */
  | { readonly type: 'metrics'; readonly ref: number; readonly calls: SinkTaskMetricsCall[] }
  /** the plugin's metrics as they are now in this thread (the module state all its tasks share) */
  | { readonly type: 'plugin-metrics'; readonly samples: PluginMetric[] }
  /** the task answered a stop: committed what was safe, closed and stopped, or was abandoned after the graceful window */
  | { readonly type: 'stopped'; readonly ref: number }
  /** the task's consumer left the group (or gave up) and its resources are released: nothing of it is left in the thread */
  | { readonly type: 'closed'; readonly ref: number };

export function taskConsumerOptions(data: TaskData): ConsumerOptions {
  const { connector, task } = data.id;
  return consumerOptions(data.consumerProps, {
    bootstrapServers: data.bootstrapServers,
    clientId: `connector-consumer-${connector}-${task}`,
    groupId: data.groupId,
  });
}

export function dlqProducerOptions(data: TaskData): ClientOptions {
  const { connector, task } = data.id;
  return producerOptions(data.producerProps, { bootstrapServers: data.bootstrapServers, clientId: `connector-dlq-producer-${connector}-${task}` });
}

/** `topics.regex` (task config over connector config) as a pattern, else the `topics` list. */
export function taskSubscription(data: TaskData): readonly string[] | RegExp {
  const { taskConfig, connectorConfig } = data;
  const regex = taskConfig['topics.regex']?.trim() || connectorConfig['topics.regex']?.trim();
  if (regex) return javaRegexToRegExp(regex);
  return (taskConfig.topics ?? connectorConfig.topics ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
