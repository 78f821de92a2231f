import type { SinkConnectorPlugin } from '../../plugin/index.js';
import { MilvusSinkConnector } from './milvus-sink-connector.js';
import { MilvusSinkTask } from './milvus-sink-task.js';
import { milvusPluginMetrics } from './milvus-plugin-metrics.js';
import { routeGrpcLogs } from './client/grpc-logging.js';
import { CONNECTOR_VERSION } from './version.js';

/** The Milvus sink under the original connector's class name, so existing configs work unchanged. */
export const milvusSinkConnectorPlugin: SinkConnectorPlugin = {
  className: 'com.milvus.io.kafka.MilvusSinkConnector',
  aliases: ['MilvusSinkConnector', 'MilvusSink'],
  type: 'sink',
  version: CONNECTOR_VERSION,
  taskClassName: 'com.milvus.io.kafka.MilvusSinkTask',
  createConnector: () => new MilvusSinkConnector(),
  createTask: () => new MilvusSinkTask(),
  metrics: milvusPluginMetrics,
  // the SDK's transport, under the name of the Java gRPC library's loggers
  routeLogs: (logger) => routeGrpcLogs(logger('io.grpc')),
};

export { MilvusSinkConnector } from './milvus-sink-connector.js';
export { MilvusSinkTask } from './milvus-sink-task.js';
export { MILVUS_SINK_CONFIG_DEF } from './milvus-sink-config.js';
export { milvusSinkMetrics, allMilvusSinkMetrics, type MilvusSinkMetricsSnapshot } from './sink-metrics.js';
