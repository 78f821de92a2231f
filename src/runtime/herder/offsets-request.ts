/**
 * The herder's side of KIP-875 offset management for sink connectors: preconditions, request parsing
 * (Kafka's SinkUtils.parseSinkConnectorOffsets) and result messages, with Kafka's texts (spec §4.21–4.23).
 */
import type { ConnectorRecord } from '../../store/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { TargetState } from '../status/status.js';
import type { AlterOffsetsRequest, Message } from '../types.js';
import type { SinkOffsetChange } from '../worker/worker.js';

export const EMPTY_ALTER_REQUEST = 'Partitions / offsets need to be provided for an alter offsets request';

/**
 * Offsets may only change while nothing consumes them: target STOPPED and no task configs left
 * (PAUSED tasks still hold their partitions). Returns the connector record.
 */
export function checkOffsetsModifiable(name: string, record: ConnectorRecord | undefined): ConnectorRecord {
  if (!record) throw new NotFoundError(`Connector ${name} not found`);
  if (record.targetState !== TargetState.STOPPED || record.taskConfigs.length !== 0) {
    throw new BadRequestError(
      'Connectors must be in the STOPPED state before their offsets can be modified. This can be done ' +
        `for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
    );
  }
  return record;
}

/** How Java's String.valueOf shows a JSON value in an error message. */
function javaString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${javaString(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Integer.parseInt / Long.parseLong of String.valueOf(value); undefined when it does not parse or fit. */
function parseJavaInteger(value: unknown, bits: 32 | 64): number | undefined {
  const s = javaString(value);
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  const limit = 2n ** BigInt(bits - 1);
  return n >= -limit && n < limit ? Number(n) : undefined;
}

/**
 * The partitions and offsets of an alter request; `offset: null` resets a partition. Numbers may be JSON
 * numbers or numeric strings. When a partition appears twice the last entry wins.
 */
export function parseSinkOffsets(request: AlterOffsetsRequest): SinkOffsetChange[] {
  const changes = new Map<string, SinkOffsetChange>();
  for (const { partition, offset } of request.offsets) {
    if (partition === null || partition === undefined) {
      throw new BadRequestError('The partition for a sink connector offset cannot be null or missing');
    }
    if (!Object.hasOwn(partition, 'kafka_topic') || !Object.hasOwn(partition, 'kafka_partition')) {
      throw new BadRequestError("The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'");
    }
    if (partition.kafka_topic === null) throw new BadRequestError('Kafka topic names must be valid strings and may not be null');
    if (partition.kafka_partition === null) throw new BadRequestError('Kafka partitions must be valid numbers and may not be null');
    const topic = javaString(partition.kafka_topic);
    const partitionNumber = parseJavaInteger(partition.kafka_partition, 32);
    if (partitionNumber === undefined) {
      throw new BadRequestError(
        `Failed to parse the following Kafka partition value in the provided offsets: '${javaString(partition.kafka_partition)}'. ` +
          'Partition values for sink connectors need to be integers.',
      );
    }
    let parsedOffset: number | null = null;
    if (offset !== null && offset !== undefined) {
      if (!Object.hasOwn(offset, 'kafka_offset')) {
        throw new BadRequestError("The offset for a sink connector should either be null or contain the key 'kafka_offset'");
      }
      const n = parseJavaInteger(offset.kafka_offset, 64);
      if (n === undefined) {
        throw new BadRequestError(
          `Failed to parse the following Kafka offset value in the provided offsets: '${javaString(offset.kafka_offset)}'. ` +
            'Offset values for sink connectors need to be integers.',
        );
      }
      parsedOffset = n;
    }
    const key = JSON.stringify([topic, partitionNumber]);
    changes.delete(key);
    changes.set(key, { topic, partition: partitionNumber, offset: parsedOffset });
  }
  return [...changes.values()];
}

/**
 * Kafka's success messages. Our sink plugins never manage offsets themselves (they have no
 * alterOffsets hook), so the answer is always the framework-managed variant.
 */
export function offsetsModifiedMessage(kind: 'altered' | 'reset'): Message {
  return {
    message:
      `The Connect framework-managed offsets for this connector have been ${kind} successfully. ` +
      `However, if this connector manages offsets externally, they will need to be manually ${kind} in the system that the connector uses.`,
  };
}
