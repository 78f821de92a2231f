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

export type CommandLine =
  | { readonly command: 'run'; readonly workerConfigFile?: string; readonly connectorFiles: readonly string[] }
  | { readonly command: 'help' }
  | { readonly command: 'version' };

/** The command line is wrong; the message ends with the usage text. */
export class CommandLineError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`);
    this.name = 'CommandLineError';
  }
}

/**
 * connect-standalone's arguments: the worker properties file, then connector files. The worker file
 * is optional here (the environment may hold the whole configuration), so a sole argument is the
 * worker file, as in Kafka. `argv` excludes node and the script.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    });
  } catch (e) {
    throw new CommandLineError((e as Error).message);
  }
  if (parsed.values.help) return { command: 'help' };
  if (parsed.values.version) return { command: 'version' };
  const [workerConfigFile, ...connectorFiles] = parsed.positionals;
  if (workerConfigFile === '') throw new CommandLineError('The worker properties file name is empty');
  return workerConfigFile === undefined ? { command: 'run', connectorFiles: [] } : { command: 'run', workerConfigFile, connectorFiles };
}
