import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StackError } from './errors.js';
import { withLock } from './lock.js';
import { CACHE_DIR } from './paths.js';
import { downloadError, requireToolchain } from './toolchain.js';
import { KAFKA_POM, isKafka3, type StackVersions } from './versions.js';

const DOWNLOAD_LOCK_TIMEOUT_MS = 15 * 60_000;

export interface Provisioned {
  /** Folder of jars for `java -cp '<dir>/*'`. */
  kafkaLibs: string;
  /** `milvus_lite/lib` inside the pip target: the `milvus` binary and its shared libraries. */
  milvusLib: string;
  /** Apicurio Registry's runnable jar (Quarkus uber-jar; its libraries sit beside it in lib/). */
  registryJar: string;
}

/** Maven Central, or a mirror of it (STACK_MAVEN_REPOSITORY) for the one artifact fetched without Maven. */
const MAVEN_REPOSITORY = (process.env.STACK_MAVEN_REPOSITORY ?? 'https://repo1.maven.org/maven2').replace(/\/+$/, '');

/**
 * Makes sure Kafka's jars and the Milvus Lite wheel for `versions` are in the cache, downloading
 * only what is missing. A folder counts as present only once its `.complete` marker matches the
 * pinned versions: downloads go to a temporary folder that is renamed into place at the end, so an
 * interrupted download is never mistaken for a finished one.
 */
export async function provision(versions: StackVersions, log: (line: string) => void): Promise<Provisioned> {
  requireToolchain({
    java: true,
    maven: !isCached(kafkaCache(versions)),
    pip: !isCached(milvusCache(versions)),
    tar: !isCached(registryCache(versions)),
  });
  // Wait for all even if one fails: no download is left running, and every problem is reported.
  const [kafka, milvus, registry] = await Promise.allSettled([
    ensureKafkaLibs(versions, log),
    ensureMilvusLite(versions, log),
    ensureApicurioRegistry(versions, log),
  ]);
  if (kafka.status === 'fulfilled' && milvus.status === 'fulfilled' && registry.status === 'fulfilled') {
    return { kafkaLibs: kafka.value, milvusLib: milvus.value, registryJar: registry.value };
  }
  const failures = [kafka, milvus, registry].flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  throw new StackError(failures.map((error) => (error instanceof Error ? error.message : String(error))).join('\n'));
}

interface CacheEntry {
  home: string;
  dir: string;
  stamp: string;
  lockName: string;
}

function kafkaCache(versions: StackVersions): CacheEntry {
  const profile = isKafka3(versions) ? 'kafka3' : 'kafka4';
  const home = join(CACHE_DIR, `kafka-${versions.kafka}`);
  // the pom's content too: a dependency added to it must reach caches filled before
  const pom = createHash('sha256').update(readFileSync(KAFKA_POM)).digest('hex').slice(0, 16);
  return {
    home,
    dir: join(home, 'libs'),
    stamp: JSON.stringify({ kafka: versions.kafka, slf4j: versions.slf4j, log4j2: versions.log4j2, reload4j: versions.reload4j, profile, pom }),
    lockName: `kafka-${versions.kafka}`,
  };
}

function milvusCache(versions: StackVersions): CacheEntry {
  const home = join(CACHE_DIR, `milvus-lite-${versions.milvusLite}`);
  return {
    home,
    dir: join(home, 'site-packages'),
    stamp: JSON.stringify({ milvusLite: versions.milvusLite }),
    lockName: `milvus-lite-${versions.milvusLite}`,
  };
}

function registryCache(versions: StackVersions): CacheEntry {
  const home = join(CACHE_DIR, `apicurio-registry-${versions.apicurioRegistry}`);
  return {
    home,
    dir: join(home, 'app'),
    stamp: JSON.stringify({ apicurioRegistry: versions.apicurioRegistry, sha256: versions.apicurioRegistrySha256 }),
    lockName: `apicurio-registry-${versions.apicurioRegistry}`,
  };
}

function isCached(entry: CacheEntry): boolean {
  const marker = join(entry.home, '.complete');
  return existsSync(entry.dir) && existsSync(marker) && readFileSync(marker, 'utf8') === entry.stamp;
}

async function ensureKafkaLibs(versions: StackVersions, log: (line: string) => void): Promise<string> {
  const profile = isKafka3(versions) ? 'kafka3' : 'kafka4';
  return cached(kafkaCache(versions), async (tmp) => {
    log(`downloading Kafka ${versions.kafka} jars with Maven (first run only)…`);
    const plugin = `org.apache.maven.plugins:maven-dependency-plugin:${versions.mavenDependencyPlugin}`;
    const result = await run('mvn', [
      '-B',
      '-ntp',
      '-q',
      '-f',
      KAFKA_POM,
      `-P${profile}`,
      `-Dkafka.version=${versions.kafka}`,
      `-Dslf4j.version=${versions.slf4j}`,
      `-Dlog4j2.version=${versions.log4j2}`,
      `-Dreload4j.version=${versions.reload4j}`,
      `${plugin}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
    ]);
    if (result.code !== 0) {
      throw downloadError(`the Kafka ${versions.kafka} jars`, 'Maven Central', result.output, '~/.m2/settings.xml, HTTPS_PROXY');
    }
    if (!existsSync(join(tmp, `kafka_2.13-${versions.kafka}.jar`))) {
      throw new StackError(`Maven finished but kafka_2.13-${versions.kafka}.jar is missing from ${tmp}.`);
    }
  });
}

async function ensureMilvusLite(versions: StackVersions, log: (line: string) => void): Promise<string> {
  const target = await cached(milvusCache(versions), async (tmp) => {
    log(`downloading milvus-lite ${versions.milvusLite} with pip (first run only)…`);
    // --target sidesteps PEP 668 ("externally managed" system Python) and keeps it in our cache;
    // --no-deps: the binary needs none of the wheel's Python dependencies.
    const result = await run(
      'python3',
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--no-input', '--target', tmp, `milvus-lite==${versions.milvusLite}`],
      { PIP_NO_INPUT: '1' },
    );
    if (result.code !== 0) {
      throw downloadError(`milvus-lite ${versions.milvusLite}`, 'PyPI', result.output, 'pip.conf, PIP_INDEX_URL, HTTPS_PROXY');
    }
    const binary = join(tmp, 'milvus_lite', 'lib', 'milvus');
    if (!existsSync(binary)) throw new StackError(`pip installed milvus-lite but ${binary} is missing.`);
    chmodSync(binary, 0o755);
  });
  return join(target, 'milvus_lite', 'lib');
}

/**
 * Apicurio Registry publishes its runnable distribution to Maven Central as
 * `io.apicurio:apicurio-registry-app:<v>:tar.gz:all`. Maven itself cannot resolve 3.0.9 (its parent
 * POM, io.apicurio:apicurio-registry:3.0.9, is missing from Central), so the file is fetched over
 * HTTPS from the same repository and checked against the SHA-256 pinned in stack/versions.json.
 */
async function ensureApicurioRegistry(versions: StackVersions, log: (line: string) => void): Promise<string> {
  const version = versions.apicurioRegistry;
  const jarName = `apicurio-registry-app-${version}-runner.jar`;
  const dir = await cached(registryCache(versions), async (tmp) => {
    log(`downloading Apicurio Registry ${version} from Maven Central (first run only)…`);
    const url = `${MAVEN_REPOSITORY}/io/apicurio/apicurio-registry-app/${version}/apicurio-registry-app-${version}-all.tar.gz`;
    mkdirSync(tmp, { recursive: true });
    const archive = join(tmp, 'registry.tar.gz');
    const sha256 = await download(url, archive).catch((error: unknown) => {
      throw downloadError(`Apicurio Registry ${version}`, 'Maven Central', `${url}: ${errorText(error)}`, 'STACK_MAVEN_REPOSITORY');
    });
    if (sha256 !== versions.apicurioRegistrySha256) {
      throw new StackError(`${url} has SHA-256 ${sha256}, but stack/versions.json pins ${versions.apicurioRegistrySha256}; refusing to run it.`);
    }
    const result = await run('tar', ['-xzf', archive, '-C', tmp]);
    if (result.code !== 0) throw new StackError(`Could not unpack ${url}:\n${result.output}`);
    rmSync(archive);
    if (!existsSync(join(tmp, jarName))) throw new StackError(`${url} unpacked without ${jarName}.`);
  });
  return join(dir, jarName);
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** Streams `url` into `file`; resolves with the content's SHA-256 (hex). */
async function download(url: string, file: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), tap, createWriteStream(file));
  return hash.digest('hex');
}

async function cached(entry: CacheEntry, fill: (tmp: string) => Promise<void>): Promise<string> {
  const { home, dir, stamp, lockName } = entry;
  const marker = join(home, '.complete');
  if (isCached(entry)) return dir;
  return withLock(lockName, DOWNLOAD_LOCK_TIMEOUT_MS, async () => {
    if (isCached(entry)) return dir; // someone else finished it while we waited
    mkdirSync(home, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    try {
      await fill(tmp);
      rmSync(marker, { force: true });
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      writeFileSync(marker, stamp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return dir;
  });
}

interface RunResult {
  code: number;
  output: string;
}

function run(command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
