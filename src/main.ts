#!/usr/bin/env node
/**
 * The composition root, like Kafka's ConnectStandalone: reads the worker config (file + CONNECT_* env),
 * opens and migrates the database, builds stores, plugins, worker, herder and the REST app, starts
 * them, applies the connector files named on the command line, and shuts everything down on
 * SIGTERM/SIGINT. Wiring only: every decision lives in the modules it wires.
 */
import { readFileSync } from 'node:fs';
import { buildApp } from './api/app.js';
import { listenAll } from './api/servers.js';
import { builtinConnectors } from './connectors/index.js';
import { routeGrpcLogs } from './connectors/milvus/index.js';
import { builtinConverters } from './converters/index.js';
import { builtinPredicates, builtinTransformations } from './transforms/index.js';
import { parseCommandLine, USAGE, type CommandLine } from './runtime/config/command-line.js';
import { applyConnectorFile, readConnectorFile } from './runtime/herder/connector-files.js';
import { createRootLogger, Loggers } from './runtime/loggers.js';
import { ConnectMetrics } from './runtime/metrics.js';
import { Plugins } from './runtime/plugins.js';
import { StandaloneHerder } from './runtime/herder/standalone-herder.js';
import { StandaloneWorker } from './runtime/worker/standalone-worker.js';
import { serverTlsOptions } from './runtime/config/rest-tls.js';
import { loadWorkerConfig, type WorkerConfig } from './runtime/config/worker-config.js';
import { openDatabase } from './store/db.js';
import { MemoryStatusStore } from './store/memory-status-store.js';
import { migrate } from './store/migrate.js';
import { SqliteConfigStore } from './store/sqlite-config-store.js';

type Closer = readonly [what: string, close: () => unknown];

function packageVersion(): string {
  // package.json sits one level above both src/main.ts and dist/main.js
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function start(commandLine: Extract<CommandLine, { command: 'run' }>, workerConfig: WorkerConfig): Promise<void> {
  const loggers = new Loggers(createRootLogger({ level: workerConfig.logLevels.root }), { levels: workerConfig.logLevels });
  const log = loggers.logger('org.apache.kafka.connect.cli.ConnectStandalone');
  log.info({ version: packageVersion(), workerId: workerConfig.workerId }, 'Kafka Connect standalone worker initializing');
  for (const warning of workerConfig.warnings) log.warn(warning);
  // the Milvus SDK's transport, under the name of the Java gRPC library's loggers
  routeGrpcLogs(loggers.logger('io.grpc'));

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
    const db = openDatabase(workerConfig.sqlitePath);
    closers.push(['database', () => db.close()]);
    for (const applied of migrate(db)) log.info(`Applied database migration ${applied}`);
    const configStore = new SqliteConfigStore(db);
    const statusStore = new MemoryStatusStore();
    const plugins = new Plugins({
      connectors: builtinConnectors,
      converters: builtinConverters,
      transformations: builtinTransformations,
      predicates: builtinPredicates,
    });
    const metrics = new ConnectMetrics({ processMetrics: true });
    const configTransformer = workerConfig.configTransformer();
    const worker = new StandaloneWorker({ workerConfig, plugins, loggers, configTransformer, metrics });
    closers.push(['worker', () => worker.stop()]);
    const herder = new StandaloneHerder({ worker, configStore, statusStore, plugins, workerConfig, loggers, configTransformer, metrics });
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

function main(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  let commandLine: CommandLine;
  let workerConfig: WorkerConfig;
  try {
    commandLine = parseCommandLine(argv);
    if (commandLine.command === 'help') return void process.stdout.write(`${USAGE}\n`);
    if (commandLine.command === 'version') return void process.stdout.write(`${packageVersion()}\n`);
    workerConfig = loadWorkerConfig({ file: commandLine.workerConfigFile, env });
  } catch (e) {
    // no logger yet: its level is part of the configuration that failed
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  void start(commandLine, workerConfig);
}

main(process.argv.slice(2), process.env);
