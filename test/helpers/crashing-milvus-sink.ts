/**
 * The Milvus sink with one addition for crash tests: `test.crash.after.records=N` ends the task's thread
 * with process.exit(9) as soon as put() has been handed N records, right after the sink took the last
 * batch, so that writes are buffered and in flight and nothing after the last periodic commit is
 * committed. Everything else is the shipped connector and task. Loaded by the worker's task threads
 * from this module (CRASHING_MILVUS_SINK_MODULE), as a third-party plugin would be.
 */
import { MilvusSinkTask, milvusSinkConnectorPlugin } from '../../src/connectors/milvus/index.js';
import type { SinkConnectorPlugin, SinkRecord, SinkTaskContext } from '../../src/plugin/index.js';

export const CRASHING_MILVUS_SINK = 'org.example.it.CrashingMilvusSinkConnector';

class CrashingMilvusSinkTask extends MilvusSinkTask {
  #left = Number.POSITIVE_INFINITY;

  override async start(props: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void> {
    this.#left = Number(props['test.crash.after.records'] ?? Number.POSITIVE_INFINITY);
    await super.start(props, context);
  }

  override async put(records: readonly SinkRecord[]): Promise<void> {
    await super.put(records);
    this.#left -= records.length;
    if (this.#left <= 0) process.exit(9);
  }
}

export const crashingMilvusSinkPlugin: SinkConnectorPlugin = {
  ...milvusSinkConnectorPlugin,
  className: CRASHING_MILVUS_SINK,
  aliases: [],
  taskClassName: 'org.example.it.CrashingMilvusSinkTask',
  createTask: () => new CrashingMilvusSinkTask(),
};

export const CRASHING_MILVUS_SINK_MODULE = { url: import.meta.url, exports: ['crashingMilvusSinkPlugin'] } as const;
