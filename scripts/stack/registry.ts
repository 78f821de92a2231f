import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.js';
import type { RunPaths } from './paths.js';
import { HOST } from './ports.js';
import { logTail, ownedAlive, spawnDetached } from './processes.js';

/** Where Apicurio serves Confluent's Schema Registry API (its "ccompat" API, version 7). */
export const CONFLUENT_API_PATH = '/apis/ccompat/v7';

/** The user the stack's registry admits; the password is new for every instance. */
const REGISTRY_USER = 'connect';

export interface RegistryEndpoint {
  /** what `schema.registry.url` takes */
  url: string;
  /** `user:password` for `basic.auth.user.info` (basic.auth.credentials.source=USER_INFO) */
  userInfo: string;
}

/** A fresh endpoint description for `port`, with a random password. */
export function registryEndpoint(port: number): RegistryEndpoint {
  return { url: `http://${HOST}:${port}${CONFLUENT_API_PATH}`, userInfo: `${REGISTRY_USER}:${randomBytes(12).toString('hex')}` };
}

/**
 * Starts Apicurio Registry (Quarkus, in-memory H2 storage) on loopback. Its Confluent API requires
 * HTTP basic authentication, so the converters' credential handling meets a server that checks it.
 * The settings go to `config/application.properties` in its working directory, where Quarkus reads
 * them, so the password never appears on a command line; the temp directory (on the command line)
 * lies in the run directory, which is how `down` recognises the process as ours.
 */
export function startRegistry(jar: string, paths: RunPaths, port: number, endpoint: RegistryEndpoint): number {
  const tmp = join(paths.registryHome, 'tmp');
  mkdirSync(join(paths.registryHome, 'config'), { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const [user, password] = splitUserInfo(endpoint.userInfo);
  const properties = [
    `quarkus.http.host=${HOST}`,
    `quarkus.http.port=${port}`,
    'quarkus.http.auth.basic=true',
    'quarkus.security.users.embedded.enabled=true',
    'quarkus.security.users.embedded.plain-text=true',
    `quarkus.security.users.embedded.users.${user}=${password}`,
    'quarkus.http.auth.permission.confluent.paths=/apis/ccompat/*',
    'quarkus.http.auth.permission.confluent.policy=authenticated',
    // lines per request at INFO (access log, the authenticated principal): too much for a test stack
    'quarkus.log.category."io.quarkus.http.access-log".level=WARN',
    'quarkus.log.category."io.apicurio.registry.auth".level=WARN',
    '',
  ];
  writeFileSync(join(paths.registryHome, 'config', 'application.properties'), properties.join('\n'), { mode: 0o600 });
  return spawnDetached('java', ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', `-Djava.io.tmpdir=${tmp}`, '-jar', jar], {
    cwd: paths.registryHome,
    env: process.env,
    logFile: paths.registryLog,
  });
}

function splitUserInfo(userInfo: string): [string, string] {
  const colon = userInfo.indexOf(':');
  return [userInfo.slice(0, colon), userInfo.slice(colon + 1)];
}

/** Ready means the Confluent API answers an authenticated `GET /subjects` with 200. */
export async function waitForRegistry(endpoint: RegistryEndpoint, pid: number, paths: RunPaths, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const authorization = `Basic ${Buffer.from(endpoint.userInfo).toString('base64')}`;
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    if (!ownedAlive(pid, paths.root)) {
      throw new StackError(`Apicurio Registry (pid ${pid}) exited during startup. ${paths.registryLog}:\n${logTail(paths.registryLog)}`);
    }
    try {
      const response = await fetch(`${endpoint.url}/subjects`, { headers: { authorization }, signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
      lastError = `GET /subjects answered ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new StackError(
    `Apicurio Registry at ${endpoint.url} was not ready within ${timeoutMs / 1000} s (last error: ${lastError}). ${paths.registryLog}:\n${logTail(paths.registryLog)}`,
  );
}
