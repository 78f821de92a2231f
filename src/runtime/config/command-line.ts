import { parseArgs } from 'node:util';

export const USAGE = `Usage: milvus-connect [options] [worker.properties] [connector.properties|connector.json ...]

Runs a standalone Kafka Connect worker with the Milvus sink built in, like connect-standalone.sh.
  worker.properties   worker settings (bootstrap.servers, listeners, sqlite.path, …); CONNECT_<KEY>
                      environment variables override them (e.g. CONNECT_BOOTSTRAP_SERVERS)
  connector files     connectors to create, or update if they exist, at start: properties, a JSON
                      config map, or JSON {"name": …, "config": {…}, "initial_state": …}

Options:
  -h, --help          print this help
  -v, --version       print the version`;

export const DISTRIBUTED_USAGE = `Usage: milvus-connect-distributed [options] [worker.properties]

Runs a worker of a distributed Kafka Connect cluster with the Milvus sink built in, like
connect-distributed.sh. Workers with the same group.id form one cluster: Kafka's group coordinator
assigns them connectors and tasks, and they keep configs and statuses in Kafka topics.
  worker.properties   worker settings (bootstrap.servers, group.id, config.storage.topic,
                      offset.storage.topic, status.storage.topic, listeners, …); CONNECT_<KEY>
                      environment variables override them (e.g. CONNECT_GROUP_ID)

Options:
  -h, --help          print this help
  -v, --version       print the version`;

export type CommandLine =
  | { readonly command: 'run'; readonly workerConfigFile?: string; readonly connectorFiles: readonly string[] }
  | { readonly command: 'help' }
  | { readonly command: 'version' };

/** The command line is wrong; the message ends with the usage text. */
export class CommandLineError extends Error {
  constructor(message: string, usage = USAGE) {
    super(`${message}\n\n${usage}`);
    this.name = 'CommandLineError';
  }
}

/**
 * connect-standalone's arguments: the worker properties file, then connector files. The worker file
 * is optional here (the environment may hold the whole configuration), so a sole argument is the
 * worker file, as in Kafka. `argv` excludes node and the script.
 */
/** The help text of the command that runs in `mode`. */
export function usageOf(mode: 'standalone' | 'distributed'): string {
  return mode === 'distributed' ? DISTRIBUTED_USAGE : USAGE;
}

export function parseCommandLine(argv: readonly string[], mode: 'standalone' | 'distributed' = 'standalone'): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    });
  } catch (e) {
    throw new CommandLineError((e as Error).message, usageOf(mode));
  }
  if (parsed.values.help) return { command: 'help' };
  if (parsed.values.version) return { command: 'version' };
  const [workerConfigFile, ...connectorFiles] = parsed.positionals;
  if (workerConfigFile === '') throw new CommandLineError('The worker properties file name is empty', usageOf(mode));
  if (mode === 'distributed' && connectorFiles.length > 0) {
    // as connect-distributed: a cluster's connectors are created through the REST API of any worker
    throw new CommandLineError(
      `A distributed worker takes only its worker properties file; create connectors through the REST API (got ${connectorFiles.join(' ')})`,
      DISTRIBUTED_USAGE,
    );
  }
  return workerConfigFile === undefined ? { command: 'run', connectorFiles: [] } : { command: 'run', workerConfigFile, connectorFiles };
}
