import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** The one place versions are pinned: stack/versions.json. */
export interface StackVersions {
  kafka: string;
  slf4j: string;
  log4j2: string;
  reload4j: string;
  mavenDependencyPlugin: string;
  milvusLite: string;
  /** Apicurio Registry (serves Confluent's Schema Registry API), the app tarball from Maven Central */
  apicurioRegistry: string;
  /** SHA-256 of that tarball: it is downloaded directly (see provision.ts), so the pin is the integrity check */
  apicurioRegistrySha256: string;
}

export const VERSIONS_FILE = join(REPO_ROOT, 'stack', 'versions.json');
export const KAFKA_POM = join(REPO_ROOT, 'stack', 'kafka-runtime', 'pom.xml');

export function loadVersions(): StackVersions {
  const raw = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as Partial<StackVersions>;
  const keys: (keyof StackVersions)[] = [
    'kafka',
    'slf4j',
    'log4j2',
    'reload4j',
    'mavenDependencyPlugin',
    'milvusLite',
    'apicurioRegistry',
    'apicurioRegistrySha256',
  ];
  for (const key of keys) {
    if (typeof raw[key] !== 'string' || raw[key] === '') throw new Error(`${VERSIONS_FILE}: "${key}" must be a version string`);
  }
  return raw as StackVersions;
}

/** Kafka 3.x logs through reload4j (log4j 1 syntax); 4.x through Log4j 2. */
export function isKafka3(versions: StackVersions): boolean {
  return versions.kafka.startsWith('3.');
}
