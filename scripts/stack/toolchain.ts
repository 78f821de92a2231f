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

export interface ToolNeeds {
  /** Java runs the broker: always needed. */
  java: boolean;
  /** Maven resolves Kafka's jars: needed only while they are not cached. */
  maven: boolean;
  /** pip installs the Milvus Lite wheel: needed only while it is not cached. */
  pip: boolean;
  /** tar unpacks the Apicurio Registry distribution: needed only while it is not cached. */
  tar?: boolean;
}

/**
 * Checks every tool the next step needs and reports all that are missing in one message, each with
 * how to install it, instead of failing on the first and leaving the rest for the next attempt.
 * It never installs anything itself: system packages are the developer's call.
 */
export function requireToolchain(needs: ToolNeeds, minimumJava = 17): void {
  const problems: string[] = [];
  if (needs.java) {
    const problem = javaProblem(minimumJava);
    if (problem) problems.push(problem);
  }
  if (needs.maven && !probe('mvn', ['-v']).found) {
    problems.push(`Maven (\`mvn\`) is needed once, to download the Kafka jars into the stack cache, but it was not found on PATH.\n    ${APT} maven`);
  }
  if (needs.pip) {
    if (!probe('python3', ['--version']).found) {
      problems.push(
        `Python 3 (\`python3\`) is needed once, to download the Milvus Lite wheel into the stack cache, but it was not found on PATH.\n    ${APT} python3 python3-pip`,
      );
    } else if (!probe('python3', ['-m', 'pip', '--version']).found) {
      problems.push(
        `pip is needed once, to download the Milvus Lite wheel into the stack cache, but \`python3 -m pip\` is not available.\n    ${APT} python3-pip`,
      );
    }
  }
  if (needs.tar && !probe('tar', ['--version']).found) {
    problems.push(`tar is needed once, to unpack the Apicurio Registry download into the stack cache, but it was not found on PATH.\n    ${APT} tar`);
  }
  if (problems.length === 1) throw new StackError(problems[0].replace(/\n {4}/g, '\n  '));
  if (problems.length > 1) {
    throw new StackError(`The local stack needs tools that are missing:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function javaProblem(minimum: number): string | undefined {
  const { found, output } = probe('java', ['-version']);
  if (!found) {
    return `Java ${minimum} or newer is needed to run the Kafka broker, but \`java\` was not found on PATH.\n    ${APT} openjdk-17-jre-headless   (or any JDK/JRE ${minimum}+ with its bin/ on PATH)`;
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (major >= minimum) return undefined;
  const reported = match ? `version ${major}` : `"${output.split('\n')[0]}"`;
  return `Java ${minimum} or newer is needed to run the Kafka broker; \`java -version\` reports ${reported}.\n    ${APT} openjdk-17-jre-headless`;
}

const NETWORK_HINTS = [
  /could not transfer|transfer failed/i,
  /unknownhost|unknown host|name or service not known|temporary failure in name resolution/i,
  /connection (refused|reset|timed out)|connect timed out|network is unreachable|no route to host/i,
  /failed to establish a new connection|max retries exceeded|\(from versions: none\)/i,
  /proxyerror|sslerror|certificate verify failed|pkix path building failed/i,
];

// Maven's and pip's boilerplate around the one line that matters.
const NOISE = /^\[ERROR\]\s*$|re-run maven|to see the full stack trace|for more information about the errors|\[help \d+\] http|^\s+at /i;

/** Turns a failed download into one readable message, naming the registry and what to check. */
export function downloadError(what: string, registry: string, output: string, settingsHint: string): StackError {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal colour codes removed here
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !NOISE.test(line));
  const relevant = lines.slice(-6).join('\n    ');
  const unreachable = NETWORK_HINTS.some((pattern) => pattern.test(plain));
  const headline = unreachable
    ? `Could not download ${what}: ${registry} could not be reached from this machine.`
    : `Could not download ${what} from ${registry}.`;
  return new StackError(
    `${headline}\n  Check network access or proxy settings (${settingsHint}), then run again.\n  Last output:\n    ${relevant || '(none)'}`,
  );
}
