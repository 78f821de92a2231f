import { spawnSync } from 'node:child_process';
import { StackError } from './errors.js';

const APT = 'On Debian/Ubuntu: sudo apt-get install -y';

interface Probe {
  found: boolean;
  output: string;
}

function probe(command: string, args: string[]): Probe {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.error) return { found: false, output: result.error.message };
  return { found: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** Java runs the broker; 17 is the oldest release Kafka 4.x brokers accept. */
export function requireJava(minimum = 17): void {
  const { found, output } = probe('java', ['-version']);
  if (!found) {
    throw new StackError(
      `Java ${minimum} or newer is needed to run the Kafka broker, but \`java\` was not found on PATH.\n` +
        `  ${APT} openjdk-17-jre-headless   (or any JDK/JRE ${minimum}+; put its bin/ on PATH)`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!(major >= minimum)) {
    throw new StackError(
      `Java ${minimum} or newer is needed to run the Kafka broker; \`java -version\` reports ` +
        `${match ? `version ${major}` : `"${output.split('\n')[0]}"`}.\n  ${APT} openjdk-17-jre-headless`,
    );
  }
}

/** Maven resolves Kafka's jars; only needed while they are not cached yet. */
export function requireMaven(): void {
  if (!probe('mvn', ['-v']).found) {
    throw new StackError(
      'Maven (`mvn`) is needed once, to download the Kafka jars into .cache/stack, but it was not found on PATH.\n' +
        `  ${APT} maven`,
    );
  }
}

/** pip installs the Milvus Lite wheel; only needed while it is not cached yet. */
export function requirePip(): void {
  if (!probe('python3', ['--version']).found) {
    throw new StackError(
      'Python 3 (`python3`) is needed once, to download the Milvus Lite wheel into .cache/stack, but it was not found on PATH.\n' +
        `  ${APT} python3 python3-pip`,
    );
  }
  if (!probe('python3', ['-m', 'pip', '--version']).found) {
    throw new StackError(
      'pip for python3 is needed once, to download the Milvus Lite wheel into .cache/stack, but `python3 -m pip` is not available.\n' +
        `  ${APT} python3-pip`,
    );
  }
}

const NETWORK_HINTS = [
  /could not (transfer|resolve)/i,
  /unknownhost|unknown host|name or service not known|temporary failure in name resolution/i,
  /connection (refused|reset|timed out)|connect timed out|network is unreachable/i,
  /failed to establish a new connection|max retries exceeded|no matching distribution|could not find a version/i,
  /proxyerror|sslerror|certificate verify failed|pkix path building failed/i,
];

/** Turns a failed download into one readable message, naming the registry and what to check. */
export function downloadError(what: string, registry: string, output: string, settingsHint: string): StackError {
  const lines = output.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
  const relevant = lines.filter((line) => !/^\s+at /.test(line)).slice(-8).join('\n    ');
  const unreachable = NETWORK_HINTS.some((pattern) => pattern.test(output));
  const headline = unreachable
    ? `Could not download ${what}: ${registry} could not be reached from this machine.`
    : `Could not download ${what} from ${registry}.`;
  return new StackError(`${headline}\n  Check network access or proxy settings (${settingsHint}), then run again.\n  Last output:\n    ${relevant || '(none)'}`);
}
