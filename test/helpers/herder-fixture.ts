/**
 * A StandaloneHerder on real stores (SQLite in memory unless a path is given, migrated; the memory status store), the real plugin
 * registry with the test sink plugin, and a FakeWorker at the seam where Kafka and Milvus would be.
 */
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { ConverterPlugin, SinkConnectorPlugin } from '../../src/plugin/index.js';
import { Loggers } from '../../src/runtime/loggers.js';
import { Plugins } from '../../src/runtime/plugins.js';
import { StandaloneHerder } from '../../src/runtime/herder/standalone-herder.js';
import { WorkerConfig } from '../../src/runtime/config/worker-config.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { MemoryStatusStore } from '../../src/store/memory-status-store.js';
import { migrate } from '../../src/store/migrate.js';
import { SqliteConfigStore } from '../../src/store/sqlite-config-store.js';
import { FakeWorker } from './fake-worker.js';
import { TEST_SINK_CLASS, testConverterPlugins, testSinkPlugin } from './test-sink-plugin.js';

export interface HerderFixture {
  herder: StandaloneHerder;
  worker: FakeWorker;
  configStore: SqliteConfigStore;
  statusStore: MemoryStatusStore;
  plugins: Plugins;
  loggers: Loggers;
  db: Db;
  /** a new herder over the same stores and a new worker: a process restart */
  restart(): Promise<HerderFixture>;
}

export interface FixtureOptions {
  workerProps?: Record<string, string>;
  connectors?: SinkConnectorPlugin[];
  converters?: ConverterPlugin[];
  healthTimeoutMs?: number;
  /** The SQLite file; default a private in-memory database. */
  dbPath?: string;
  /** default true: call herder.start() */
  start?: boolean;
}

/** A valid config for the test sink: `name` and `connector.class` plus `extra`. */
export function sinkConfig(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { name, 'connector.class': TEST_SINK_CLASS, topics: 'orders', ...extra };
}

export async function herderFixture(t: TestContext, options: FixtureOptions = {}): Promise<HerderFixture> {
  const db = openDatabase(options.dbPath ?? ':memory:');
  migrate(db);
  let current = await build(db, options);
  t.after(async () => {
    await current.herder.stop();
    db.close();
  });
  return current;

  async function build(db: Db, options: FixtureOptions): Promise<HerderFixture> {
    const configStore = new SqliteConfigStore(db);
    const statusStore = new MemoryStatusStore();
    const plugins = new Plugins({
      connectors: options.connectors ?? [testSinkPlugin()],
      converters: options.converters ?? testConverterPlugins(),
    });
    const worker = new FakeWorker(plugins);
    const loggers = new Loggers(pino({ level: 'silent' }));
    const herder = new StandaloneHerder({
      worker,
      configStore,
      statusStore,
      plugins,
      workerConfig: new WorkerConfig(options.workerProps ?? {}),
      loggers,
      commit: '0123456789abcdef',
      healthTimeoutMs: options.healthTimeoutMs ?? 200,
    });
    if (options.start ?? true) await herder.start();
    return {
      herder,
      worker,
      configStore,
      statusStore,
      plugins,
      loggers,
      db,
      async restart() {
        await herder.stop();
        current = await build(db, { ...options, start: true });
        return current;
      },
    };
  }
}
