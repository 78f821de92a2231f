/**
 * Schemas shared by every resource family: the error envelope, config maps, task ids and path params.
 * Route schemas are the single source for request validation, response serialisation and the OpenAPI
 * document, so output schemas list every field Kafka sends (the serializer drops unlisted ones).
 */
import { CONFIG_VALUE_TITLE } from '../validation-messages.js';

export const ErrorMessage = {
  $id: 'ErrorMessage',
  description: 'Every error: `error_code` equals the HTTP status.',
  type: 'object',
  properties: {
    error_code: { type: 'integer' },
    message: { type: ['string', 'null'] },
  },
  required: ['error_code', 'message'],
} as const;

/** A stored connector config as returned: flat string map, `name` included, placeholders unresolved. */
export const ConnectorConfig = {
  $id: 'ConnectorConfig',
  type: 'object',
  additionalProperties: { type: ['string', 'null'] },
} as const;

/** A `Map<String, String>` request body: scalars are accepted and converted to strings. */
export const ConfigInput = {
  $id: 'ConfigInput',
  description:
    'Flat map of configuration keys to values. Numbers and booleans are converted to strings (1.0 stays "1.0"); ' +
    'null is kept (in PATCH it removes the key); nested objects and arrays are rejected.',
  type: 'object',
  additionalProperties: { title: CONFIG_VALUE_TITLE, type: ['string', 'number', 'boolean', 'null'] },
} as const;

export const ConnectorTaskId = {
  $id: 'ConnectorTaskId',
  type: 'object',
  properties: {
    connector: { type: 'string' },
    task: { type: 'integer' },
  },
  required: ['connector', 'task'],
} as const;

export const Message = {
  $id: 'Message',
  type: 'object',
  properties: { message: { type: 'string' } },
  required: ['message'],
} as const;

export const commonSchemas = [ErrorMessage, ConnectorConfig, ConfigInput, ConnectorTaskId, Message];

export const connectorParams = {
  type: 'object',
  properties: { connector: { type: 'string', description: 'Connector name (percent-encoded in the path)' } },
  required: ['connector'],
} as const;

export const taskParams = {
  type: 'object',
  properties: {
    connector: connectorParams.properties.connector,
    task: { type: 'integer', description: 'Task number; anything but an int is an unknown path (404)' },
  },
  required: ['connector', 'task'],
} as const;

/** Declared for OpenAPI only: JAX-RS accepts and ignores the inter-worker forwarding flag. */
export const forwardQuery = {
  type: 'object',
  properties: {
    forward: { type: 'string', description: 'Inter-worker forwarding flag; accepted and ignored by a standalone worker.' },
  },
} as const;

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Bad request: the message says what to fix',
  403: 'Forbidden by the worker configuration',
  404: 'Not found',
  409: 'Conflict',
  500: 'Connect failed to complete the request',
};

/** Response entries for the error statuses a route can answer, all with the ErrorMessage envelope. */
export function errorResponses(...statuses: Array<400 | 403 | 404 | 409>) {
  const responses: Record<number, { description: string; $ref: string }> = {};
  for (const status of [...statuses, 500]) {
    responses[status] = { description: ERROR_DESCRIPTIONS[status], $ref: 'ErrorMessage#' };
  }
  return responses;
}

/** A response with no body and no content type (204, and Connect's empty 202s). */
export function noContent(description: string) {
  return { type: 'null', description } as const;
}

export function ref(id: string, description?: string) {
  return description === undefined ? { $ref: `${id}#` } : { description, $ref: `${id}#` };
}
