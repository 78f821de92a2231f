#!/usr/bin/env node
/**
 * The composition root, like Kafka's ConnectStandalone: reads the worker config (file + CONNECT_* env),
 * opens and migrates the database, builds stores, plugins, worker, herder and the REST app, starts
 * them, applies the connector files named on the command line, and shuts everything down on
 * SIGTERM/SIGINT. Wiring only: every decision lives in the modules it wires.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildApp } from './api/app.js';
import { listenAll } from './api/servers.js';
import { BUILTIN_CONNECTORS_MODULE } from './connectors/index.js';
import { BUILTIN_CONVERTERS_MODULE } from './converters/index.js';
import { BUILTIN_TRANSFORMS_MODULE } from './transforms/index.js';
import { parseCommandLine, usageOf, type CommandLine } from './runtime/config/command-line.js';
import { applyConnectorFile, readConnectorFile } from './runtime/herder/connector-files.js';
import { createRootLogger, Loggers } from './runtime/loggers.js';
import { ConnectMetrics } from './runtime/metrics.js';
import { Plugins } from './runtime/plugins.js';
import { ConnectHerder } from './runtime/herder/connect-herder.js';
import { StandaloneMembership, type Membership } from './runtime/herder/membership.js';
import { DistributedMembership } from './runtime/distributed/distributed-membership.js';
import { ensureInternalTopics, internalTopics } from './runtime/distributed/internal-topics.js';
import { KafkaConfigStore } from './runtime/distributed/kafka-config-store.js';
import { KafkaStatusStore } from './runtime/distributed/kafka-status-store.js';
import { SharedConfigStore } from './runtime/distributed/shared-config-store.js';
import { WorkerCoordinator, type ConfigSnapshot } from './runtime/distributed/worker-coordinator.js';
import { clientOptions } from './runtime/kafka/client-config.js';
import type { ConfigStore, StatusStore } from './store/types.js';
import type { Logger } from 'pino';
import { StandaloneWorker } from './runtime/worker/standalone-worker.js';
import { serverTlsOptions } from './runtime/config/rest-tls.js';
import { loadWorkerConfig, type WorkerConfig, type WorkerMode } from './runtime/config/worker-config.js';
import { openDatabase } from './store/db.js';
import { MemoryStatusStore } from './store/memory-status-store.js';
import { migrate } from './store/migrate.js';
import { SqliteConfigStore } from './store/sqlite-config-store.js';

type Closer = readonly [what: string, close: () => unknown];

function packageVersion(): string {
  // package.json sits one level above both src/main.ts and dist/main.js
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

interface WorkerState {
  readonly configStore: ConfigStore;
  readonly statusStore: StatusStore;
  readonly membership: Membership;
}

/** Standalone: desired state in the SQLite file, statuses in memory, a cluster of one. */
function localState(workerConfig: WorkerConfig, log: Logger, closers: Closer[]): WorkerState {
  const db = openDatabase(workerConfig.sqlitePath);
  closers.push(['database', () => db.close()]);
  for (const applied of migrate(db)) log.info(`Applied database migration ${applied}`);
  return { configStore: new SqliteConfigStore(db), statusStore: new MemoryStatusStore(), membership: new StandaloneMembership() };
}

/**
 * Distributed: desired state and statuses in the cluster's Kafka topics (created if missing, refused if
 * not compacted), membership through the group coordinator. Started here, stopped after the herder.
 */
async function clusterState(workerConfig: WorkerConfig, loggers: Loggers, closers: Closer[], metrics: ConnectMetrics): Promise<WorkerState> {
  const log = loggers.logger('org.apache.kafka.connect.runtime.distributed.DistributedHerder');
  const topics = internalTopics(workerConfig.originals);
  for (const warning of topics.warnings) log.warn(warning);
  const props = workerConfig.clusterClientProps;
  const bootstrapServers = workerConfig.getList('bootstrap.servers');
  const client = (suffix: string) => clientOptions(props, { bootstrapServers, clientId: `${workerConfig.getString('group.id')}-${suffix}` }).client;

  await ensureInternalTopics({ client: client('admin'), logger: loggers.logger('org.apache.kafka.connect.util.TopicAdmin') }, topics.offset);
  const configs = new KafkaConfigStore({
    topic: topics.config,
    client: client('configs'),
    logger: loggers.logger('org.apache.kafka.connect.storage.KafkaConfigBackingStore'),
  });
  const configStore = new SharedConfigStore(configs);
  await configs.start();
  closers.push(['config store', () => configs.stop()]);
  const statusStore = new KafkaStatusStore({
    topic: topics.status,
    client: client('statuses'),
    logger: loggers.logger('org.apache.kafka.connect.storage.KafkaStatusBackingStore'),
  });
  await statusStore.start();
  closers.push(['status store', () => statusStore.stop()]);

  const snapshot = (): ConfigSnapshot => {
    const state = configs.snapshot();
    return { offset: state.offset, connectors: new Map(state.connectors().map((name) => [name, state.taskCount(name)])) };
  };
  const membership = new DistributedMembership({
    snapshot,
    workerUrl: workerConfig.advertisedUrl,
    log,
    coordinator: (listener) =>
      new WorkerCoordinator({
        workerUrl: workerConfig.advertisedUrl,
        group: {
          groupId: workerConfig.getString('group.id')!,
          sessionTimeoutMs: workerConfig.getInt('session.timeout.ms'),
          heartbeatIntervalMs: workerConfig.getInt('heartbeat.interval.ms'),
          rebalanceTimeoutMs: workerConfig.getInt('rebalance.timeout.ms'),
          workerSyncTimeoutMs: workerConfig.getInt('worker.sync.timeout.ms'),
          workerUnsyncBackoffMs: workerConfig.getInt('worker.unsync.backoff.ms'),
        },
        clientProps: props,
        bootstrapServers,
        config: {
          snapshot,
          readToEnd: async (timeoutMs) => {
            await configs.refresh(timeoutMs);
            return snapshot();
          },
        },
        listener,
        logger: loggers.logger('org.apache.kafka.connect.runtime.distributed.WorkerCoordinator'),
      }),
  });
  metrics.trackRebalances(() => membership.metrics());
  return { configStore, statusStore, membership };
}

async function start(commandLine: Extract<CommandLine, { command: 'run' }>, workerConfig: WorkerConfig): Promise<void> {
  const loggers = new Loggers(createRootLogger({ level: workerConfig.logLevels.root }), { levels: workerConfig.logLevels });
  const distributed = workerConfig.mode === 'distributed';
  const log = loggers.logger(distributed ? 'org.apache.kafka.connect.cli.ConnectDistributed' : 'org.apache.kafka.connect.cli.ConnectStandalone');
  log.info({ version: packageVersion(), workerId: workerConfig.workerId }, `Kafka Connect ${workerConfig.mode} worker initializing`);
  for (const warning of workerConfig.warnings) log.warn(warning);

  // closed in reverse: REST first (stop accepting), then herder and worker (each task flushes to Milvus,
  // commits and leaves its group within task.shutdown.graceful.timeout.ms), then the database
  const closers: Closer[] = [];
  let stopping: Promise<never> | undefined;
  const stop = (code: number): Promise<never> =>
    (stopping ??= (async () => {
      const budget = workerConfig.getLong('shutdown.timeout.ms');
      setTimeout(() => {
        log.error(`Shutdown did not finish within ${budget} ms (shutdown.timeout.ms); exiting anyway, uncommitted records are delivered again after a restart`);
        process.exit(1);
      }, budget).unref();
      for (const [what, close] of closers.reverse()) {
        try {
          await close();
          log.debug(`Closed the ${what}`);
        } catch (e) {
          log.error({ err: e }, `Failed to close the ${what}`);
        }
      }
      log.info('Kafka Connect stopped');
      process.exit(code);
    })());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      log.info(`Received ${signal}, stopping`);
      void stop(0);
    });
  }

  try {
    const plugins = await Plugins.load([BUILTIN_CONNECTORS_MODULE, BUILTIN_CONVERTERS_MODULE, BUILTIN_TRANSFORMS_MODULE]);
    plugins.routeLogs((name) => loggers.logger(name));
    const metrics = new ConnectMetrics({ processMetrics: true });
    const { configStore, statusStore, membership } = distributed
      ? await clusterState(workerConfig, loggers, closers, metrics)
      : localState(workerConfig, log, closers);
    const configTransformer = workerConfig.configTransformer();
    const worker = new StandaloneWorker({ workerConfig, plugins, loggers, configTransformer, metrics });
    closers.push(['worker', () => worker.stop()]);
    const herder = new ConnectHerder({ worker, configStore, statusStore, membership, plugins, workerConfig, loggers, configTransformer, metrics });
    closers.push(['herder', () => herder.stop()]);
    const restLogger = loggers.logger('org.apache.kafka.connect.runtime.rest.RestServer');
    const app = buildApp({ herder, workerConfig, logger: restLogger, metrics: () => metrics.scrape() });
    closers.push(['REST server', () => app.close()]);
    const adminListeners = workerConfig.adminListeners ?? [];
    const adminApp = adminListeners.length > 0 ? buildApp({ herder, workerConfig, logger: restLogger, api: { routes: 'admin', docs: false } }) : null;
    if (adminApp) closers.push(['admin REST server', () => adminApp.close()]);

    // listen first so that /health can say "starting" while the herder reconciles stored connectors
    for (const server of await listenAll(app, workerConfig.listeners, () => serverTlsOptions(workerConfig.listenersSsl))) {
      closers.push([`REST listener ${server.listener.url}`, () => server.close()]);
      log.info(`REST server listening on ${server.url}`);
    }
    if (adminApp) {
      for (const server of await listenAll(adminApp, adminListeners, () => serverTlsOptions(workerConfig.adminListenersSsl))) {
        closers.push([`admin listener ${server.listener.url}`, () => server.close()]);
        log.info(`Admin endpoints (/admin) listening on ${server.url}`);
      }
    }
    await herder.start();
    for (const path of commandLine.connectorFiles) {
      const file = readConnectorFile(path);
      const { created } = await applyConnectorFile(herder, file);
      log.info(`${created ? 'Created' : 'Updated'} connector ${file.name} from ${path}`);
    }
    log.info('Kafka Connect started');
  } catch (e) {
    log.fatal({ err: e }, `Stopping after an error at start: ${(e as Error).message}`);
    await stop(1);
  }
}

/** Runs a worker of `mode` (milvus-connect: standalone; milvus-connect-distributed: distributed). */
export function main(mode: WorkerMode, argv: readonly string[], env: NodeJS.ProcessEnv): void {
  let commandLine: CommandLine;
  let workerConfig: WorkerConfig;
  try {
    commandLine = parseCommandLine(argv, mode);
    if (commandLine.command === 'help') return void process.stdout.write(`${usageOf(mode)}\n`);
    if (commandLine.command === 'version') return void process.stdout.write(`${packageVersion()}\n`);
    workerConfig = loadWorkerConfig({ file: commandLine.workerConfigFile, env, mode });
  } catch (e) {
    // no logger yet: its level is part of the configuration that failed
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  void start(commandLine, workerConfig);
}

// run as the program itself (not when src/distributed.ts imports main)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main('standalone', process.argv.slice(2), process.env);
}
