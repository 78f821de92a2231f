#!/usr/bin/env node
/**
 * The composition root, like Kafka's ConnectStandalone: reads the worker config (file + CONNECT_* env),
 * opens and migrates the database, builds stores, plugins, worker, herder and the REST app, starts
 * them, applies the connector files named on the command line, and shuts everything down on
 * SIGTERM/SIGINT. Wiring only: every decision lives in the modules it wires.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { builtinConnectors } from './connectors/index.js';
import { builtinConverters } from './converters/index.js';
import { parseCommandLine, USAGE, type CommandLine } from './runtime/command-line.js';
import { applyConnectorFile, readConnectorFile } from './runtime/connector-files.js';
import { createRootLogger, Loggers } from './runtime/loggers.js';
import { Plugins } from './runtime/plugins.js';
import { StandaloneHerder } from './runtime/standalone-herder.js';
import { StandaloneWorker } from './runtime/standalone-worker.js';
import type { Listener } from './runtime/listener.js';
import { loadWorkerConfig, type WorkerConfig } from './runtime/worker-config.js';
import { openDatabase } from './store/db.js';
import { MemoryStatusStore } from './store/memory-status-store.js';
import { migrate } from './store/migrate.js';
import { SqliteConfigStore } from './store/sqlite-config-store.js';

/** Beyond the tasks' graceful timeout, what closing the REST server, consumers and database may take. */
const SHUTDOWN_MARGIN_MS = 15_000;

type Closer = readonly [what: string, close: () => unknown];

function packageVersion(): string {
  // package.json sits one level above both src/main.ts and dist/main.js
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function urlOf(address: AddressInfo): string {
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/** Listens on one listener; an empty host means every interface (IPv6 and IPv4, else IPv4 only). */
async function listenOn(listener: Listener, listen: (host: string) => Promise<AddressInfo>): Promise<AddressInfo> {
  if (listener.host !== '') return listen(listener.host);
  try {
    return await listen('::');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' && (e as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw e;
    return listen('0.0.0.0');
  }
}

/** The app on the first listener; further listeners get plain HTTP servers handing requests to the same app. */
async function listenAll(app: FastifyInstance, listeners: readonly Listener[], log: Logger, closers: Closer[]): Promise<void> {
  for (const [i, listener] of listeners.entries()) {
    const address =
      i === 0
        ? await listenOn(listener, async (host) => {
            await app.listen({ host, port: listener.port });
            return app.server.address() as AddressInfo;
          })
        : await listenOn(listener, async (host) => {
            await app.ready();
            const server: Server = createServer((req, res) => app.routing(req, res));
            await new Promise<void>((resolve, reject) => {
              server.once('error', reject);
              server.listen({ host, port: listener.port }, () => resolve());
            });
            closers.push([`REST listener ${listener.url}`, () => new Promise<void>((resolve) => server.close(() => resolve()))]);
            return server.address() as AddressInfo;
          });
    log.info(`REST server listening on ${urlOf(address)}`);
  }
}

async function start(commandLine: Extract<CommandLine, { command: 'run' }>, workerConfig: WorkerConfig): Promise<void> {
  const loggers = new Loggers(createRootLogger({ level: workerConfig.logLevels.root }), { levels: workerConfig.logLevels });
  const log = loggers.logger('org.apache.kafka.connect.cli.ConnectStandalone');
  log.info({ version: packageVersion(), workerId: workerConfig.workerId }, 'Kafka Connect standalone worker initializing');
  for (const warning of workerConfig.warnings) log.warn(warning);

  // closed in reverse: REST first (stop accepting), then herder, worker, database
  const closers: Closer[] = [];
  let stopping: Promise<never> | undefined;
  const stop = (code: number): Promise<never> =>
    (stopping ??= (async () => {
      const budget = workerConfig.getLong('task.shutdown.graceful.timeout.ms') + SHUTDOWN_MARGIN_MS;
      setTimeout(() => {
        log.error(`Shutdown did not finish within ${budget} ms; exiting anyway`);
        process.exit(1);
      }, budget).unref();
      for (const [what, close] of closers.reverse()) {
        try {
          await close();
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
    const plugins = new Plugins({ connectors: builtinConnectors, converters: builtinConverters });
    const worker = new StandaloneWorker({ workerConfig, plugins, loggers });
    closers.push(['worker', () => worker.stop()]);
    const herder = new StandaloneHerder({ worker, configStore, statusStore, plugins, workerConfig, loggers });
    closers.push(['herder', () => herder.stop()]);
    const app = buildApp({ herder, workerConfig, logger: loggers.logger('org.apache.kafka.connect.runtime.rest.RestServer') });
    closers.push(['REST server', () => app.close()]);

    // listen first so that /health can say "starting" while the herder reconciles stored connectors
    await listenAll(app, workerConfig.listeners, log, closers);
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
