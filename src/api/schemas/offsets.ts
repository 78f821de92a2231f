/** Offsets entities (KIP-875). Sink partitions and offsets have fixed keys, but the maps are open. */

const partition = {
  type: 'object',
  properties: {
    kafka_topic: { type: 'string' },
    kafka_partition: { type: 'integer' },
  },
  additionalProperties: true,
} as const;

const offset = {
  type: 'object',
  properties: { kafka_offset: { type: 'integer' } },
  additionalProperties: true,
} as const;

export const ConnectorOffsets = {
  $id: 'ConnectorOffsets',
  type: 'object',
  properties: {
    offsets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          partition,
          offset: { ...offset, type: ['object', 'null'] },
        },
        required: ['partition', 'offset'],
      },
    },
  },
  required: ['offsets'],
} as const;

/** The PATCH body: the herder interprets the values; the shape is checked here. */
export const AlterOffsetsRequest = {
  $id: 'AlterOffsetsRequest',
  type: 'object',
  properties: {
    offsets: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: {
          // free-form on input: the herder reports bad keys and values with Kafka's own messages
          partition: { type: ['object', 'null'], description: '{"kafka_topic": …, "kafka_partition": …}' },
          offset: { type: ['object', 'null'], description: '{"kafka_offset": …}; null resets the partition' },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

export const offsetSchemas = [ConnectorOffsets, AlterOffsetsRequest];
