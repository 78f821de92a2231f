/**
 * A real Kafka Connect 4.1 distributed worker (org.apache.kafka.connect.cli.ConnectDistributed) from the
 * jars the stack scripts provision, against the stack's Kafka: the oracle for what Kafka Connect writes
 * to its internal topics. Its plugins are those on the classpath (FileStreamSinkConnector from
 * connect-file). Started in a temp directory, ready once its herder answers, stopped by its pid.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST, freePort } from '../../scripts/stack/ports.js';
import { pidAlive, stopProcess } from '../../scripts/stack/processes.js';
import { provision } from '../../scripts/stack/provision.js';
import { loadVersions } from '../../scripts/stack/versions.js';
import { stackAddresses } from './stack.js';

const STOP_GRACE_MS = 15_000;

export interface ConnectJvm {
  readonly pid: number;
  /** `http://127.0.0.1:<port>`; also the worker id the worker writes into its statuses (`127.0.0.1:<port>`) */
  readonly baseUrl: string;
  readonly workerId: string;
  /** An HTTP request to its REST API; JSON in and out (text when the answer is not JSON). */
  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** The last lines of its log, for assertion messages. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after a grace period; removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Workers of this test process still running when it exits are killed (by pid), so a failed run leaves none. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
});

const LOG4J2 = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = STDOUT',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.out.ref = STDOUT',
  // the herder's lifecycle lines, to understand a failure from the log
  'logger.herder.name = org.apache.kafka.connect.runtime.distributed.DistributedHerder',
  'logger.herder.level = INFO',
  '',
].join('\n');

/**
 * Starts a worker with `workerProps` over the defaults (bootstrap servers, converters, a free REST port)
 * and waits — up to `startTimeoutMs` — until its REST API answers, failing early when the JVM exits.
 */
export async function startConnectJvm(workerProps: Readonly<Record<string, string>>, startTimeoutMs = 120_000): Promise<ConnectJvm> {
  const { kafkaLibs } = await provision(loadVersions(), () => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'connect-jvm-'));
  const port = await freePort();
  const props: Record<string, string> = {
    'bootstrap.servers': stackAddresses().kafkaBootstrap,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    listeners: `http://${HOST}:${port}`,
    // every plugin on the classpath has a ServiceLoader manifest: skip the slow reflective scan
    'plugin.discovery': 'service_load',
    ...workerProps,
  };
  writeFileSync(
    join(dir, 'worker.properties'),
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  writeFileSync(join(dir, 'log4j2.properties'), LOG4J2);
  const logFile = join(dir, 'connect.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(
    'java',
    [
      '-Xms64m',
      '-Xmx384m',
      '-XX:+UseSerialGC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      '-cp',
      join(kafkaLibs, '*'),
      'org.apache.kafka.connect.cli.ConnectDistributed',
      join(dir, 'worker.properties'),
    ],
    { cwd: dir, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  child.on('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start java');
  running.add(pid);

  const baseUrl = `http://${HOST}:${port}`;
  const logTail = (lines = 40) => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const request = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: the text itself
    }
    return { status: response.status, body: parsed as T };
  };
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await stopProcess(pid, dir, STOP_GRACE_MS);
      running.delete(pid);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (!pidAlive(pid)) {
      const tail = logTail();
      await stop();
      throw new Error(`The Kafka Connect worker (pid ${pid}) exited during start-up:\n${tail}`);
    }
    try {
      // GET / answers as soon as the REST server is up; the connector list only once the herder has joined and read the config topic
      const connectors = await request('GET', '/connectors');
      if (connectors.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`The Kafka Connect worker did not answer on ${baseUrl} within ${startTimeoutMs} ms:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { pid, baseUrl, workerId: `${HOST}:${port}`, request, logTail, stop };
}
