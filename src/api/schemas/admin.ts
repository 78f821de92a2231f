/** Worker-level entities: server info, health, logger levels. */

export const ServerInfo = {
  $id: 'ServerInfo',
  type: 'object',
  properties: {
    version: { type: 'string', description: 'The Kafka Connect API level emulated' },
    commit: { type: 'string', description: 'Build id of this project' },
    kafka_cluster_id: { type: ['string', 'null'] },
  },
  required: ['version', 'commit', 'kafka_cluster_id'],
} as const;

export const WorkerStatus = {
  $id: 'WorkerStatus',
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['healthy', 'starting', 'unhealthy'] },
    message: { type: 'string' },
  },
  required: ['status', 'message'],
} as const;

export const LoggerLevel = {
  $id: 'LoggerLevel',
  type: 'object',
  properties: {
    level: { type: 'string' },
    last_modified: {
      type: ['integer', 'null'],
      description: 'Epoch millis of the last change through this API on this worker; null if never changed',
    },
  },
  required: ['level', 'last_modified'],
} as const;

export const adminSchemas = [ServerInfo, WorkerStatus, LoggerLevel];
