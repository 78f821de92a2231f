import type { ServiceClientConstructor, ServiceDefinition } from '@grpc/grpc-js';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { SinkRecord, SinkTaskContext, TopicPartition, PluginLogger } from '../../../src/plugin/index.js';
import { deleteOp as newDeleteOp, writeOp as newWriteOp, type Row, type SinkOp } from '../../../src/connectors/milvus/write/sink-op-batch.js';

export function sinkRecord(fields: Partial<SinkRecord> & { offset?: number; partition?: number } = {}): SinkRecord {
  const topic = fields.topic ?? 't';
  const kafkaPartition = fields.partition ?? fields.kafkaPartition ?? 0;
  const kafkaOffset = fields.offset ?? fields.kafkaOffset ?? 0;
  return {
    topic,
    kafkaPartition,
    kafkaOffset,
    timestamp: fields.timestamp ?? null,
    keySchema: fields.keySchema ?? null,
    key: fields.key ?? null,
    valueSchema: fields.valueSchema ?? null,
    value: 'value' in fields ? fields.value : null,
    headers: fields.headers ?? [],
    rawKey: fields.rawKey ?? null,
    rawValue: fields.rawValue ?? null,
    originalTopic: fields.originalTopic ?? topic,
    originalKafkaPartition: fields.originalKafkaPartition ?? kafkaPartition,
    originalKafkaOffset: fields.originalKafkaOffset ?? kafkaOffset,
  };
}

/** Operations as the task builds them (write/sink-op-batch.ts), so tests see the same record the batch writer gets. */
/** The collection of the fixture operations unless a test names another. */
export const COLLECTION = 'c';

export function writeOp(offset: number, pk: string | undefined, row: Row = {}, partition = 0, bytes = 10, collection = COLLECTION): SinkOp {
  return newWriteOp(collection, sinkRecord({ offset, partition, value: row }), { ...row, ...(pk === undefined ? {} : { id: pk }) }, pk, bytes);
}

export function deleteOp(offset: number, pk: string, partition = 0, collection = COLLECTION): SinkOp {
  return newDeleteOp(collection, sinkRecord({ offset, partition, key: pk }), pk, 8);
}

export const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface RecordingLogger extends PluginLogger {
  readonly lines: { level: string; obj: unknown; msg: string | undefined }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const log = (level: string) => (obj: object | string, msg?: string) => lines.push({ level, obj, msg });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export interface TestContext extends SinkTaskContext {
  readonly errant: { record: SinkRecord; error: Error }[];
  readonly paused: TopicPartition[][];
  readonly resumed: TopicPartition[][];
  readonly logger: RecordingLogger;
  /** make the reporter reject, as errors.tolerance=none does */
  tolerateNone: boolean;
}

export function testContext(assignment: TopicPartition[] = [{ topic: 't', partition: 0 }], connector = 'milvus-test'): TestContext {
  const ctx: TestContext = {
    connector,
    taskId: 0,
    errant: [],
    paused: [],
    resumed: [],
    tolerateNone: false,
    logger: recordingLogger(),
    errantRecordReporter: async (record, error) => {
      if (ctx.tolerateNone) throw new Error('Tolerance exceeded in error handler', { cause: error });
      ctx.errant.push({ record, error });
    },
    pause: (partitions) => void ctx.paused.push([...partitions]),
    resume: (partitions) => void ctx.resumed.push([...partitions]),
    assignment: () => assignment,
    requestCommit: () => {},
  };
  return ctx;
}

/** The MilvusService definition (paths, serializers) the SDK's gRPC clients are built from, read from a real pool client. */
export async function sdkMilvusService(): Promise<ServiceDefinition> {
  const client = new MilvusClient({ address: '127.0.0.1:1', __SKIP_CONNECT__: true } as never);
  const grpc = await client.channelPool.acquire();
  try {
    return (grpc.constructor as ServiceClientConstructor).service;
  } finally {
    await client.channelPool.release(grpc);
    await client.closeConnection();
  }
}
