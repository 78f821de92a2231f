/** Connector entities (Kafka's rest/entities), in Kafka's field order. */

export const CreateConnectorRequest = {
  $id: 'CreateConnectorRequest',
  type: 'object',
  properties: {
    name: { type: 'string', description: 'Trimmed of surrounding whitespace; may not contain "/"' },
    config: { $ref: 'ConfigInput#' },
    initial_state: {
      type: ['string', 'null'],
      description: 'RUNNING (default), PAUSED or STOPPED; case-insensitive',
    },
  },
  required: ['config'],
  additionalProperties: false,
} as const;

export const ConnectorType = { type: 'string', enum: ['source', 'sink', 'unknown'] } as const;

export const ConnectorInfo = {
  $id: 'ConnectorInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    config: { $ref: 'ConnectorConfig#' },
    tasks: { type: 'array', items: { $ref: 'ConnectorTaskId#' } },
    type: ConnectorType,
  },
  required: ['name', 'config', 'tasks', 'type'],
} as const;

const State = {
  type: 'string',
  enum: ['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING', 'STOPPED'],
} as const;

const trace = { type: 'string', description: 'Stack trace of the failure; omitted when there is none' } as const;
const workerId = { type: 'string', description: 'host:port of the worker that reported the state' } as const;
const version = { type: 'string', description: 'Plugin version of the running instance (Kafka 4.1); omitted when unknown' } as const;

export const ConnectorState = {
  $id: 'ConnectorState',
  type: 'object',
  properties: { state: State, worker_id: workerId, trace, version },
  required: ['state', 'worker_id'],
} as const;

export const TaskState = {
  $id: 'TaskState',
  type: 'object',
  properties: { id: { type: 'integer' }, state: State, worker_id: workerId, trace, version },
  required: ['id', 'state', 'worker_id'],
} as const;

export const ConnectorStateInfo = {
  $id: 'ConnectorStateInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    connector: { $ref: 'ConnectorState#' },
    tasks: { type: 'array', items: { $ref: 'TaskState#' } },
    type: ConnectorType,
  },
  required: ['name', 'connector', 'tasks', 'type'],
} as const;

export const TaskInfo = {
  $id: 'TaskInfo',
  type: 'object',
  properties: {
    id: { $ref: 'ConnectorTaskId#' },
    config: { $ref: 'ConnectorConfig#' },
  },
  required: ['id', 'config'],
} as const;

export const ActiveTopicsInfo = {
  $id: 'ActiveTopicsInfo',
  description: 'Keyed by the connector name',
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { topics: { type: 'array', items: { type: 'string' } } },
    required: ['topics'],
  },
} as const;

export const ConnectorExpansions = {
  $id: 'ConnectorExpansions',
  description: 'Keyed by connector name; holds only the requested expansions',
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: {
      status: { $ref: 'ConnectorStateInfo#' },
      info: { $ref: 'ConnectorInfo#' },
    },
  },
} as const;

export const connectorSchemas = [
  CreateConnectorRequest,
  ConnectorInfo,
  ConnectorState,
  TaskState,
  ConnectorStateInfo,
  TaskInfo,
  ActiveTopicsInfo,
  ConnectorExpansions,
];
