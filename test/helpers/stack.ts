import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StackAddresses {
  /** `host:port` of the Kafka broker (kafkajs `brokers: [kafkaBootstrap]`). */
  kafkaBootstrap: string;
  /** `host:port` of Milvus (plain gRPC; `connectMilvus({ endpoint: milvusAddress })`). */
  milvusAddress: string;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where the real Kafka and Milvus of this test run listen. `npm test` starts a stack and exports
 * KAFKA_BOOTSTRAP and MILVUS_ADDRESS; when a single file is run by hand after `npm run stack:up`,
 * the instance's env file (STACK_NAME, default dev) is read instead.
 */
export function stackAddresses(env: NodeJS.ProcessEnv = process.env): StackAddresses {
  const fromEnv = { kafkaBootstrap: env.KAFKA_BOOTSTRAP, milvusAddress: env.MILVUS_ADDRESS };
  if (fromEnv.kafkaBootstrap && fromEnv.milvusAddress) {
    return { kafkaBootstrap: fromEnv.kafkaBootstrap, milvusAddress: fromEnv.milvusAddress };
  }
  const file = envFilePath(env);
  const values = readEnvFile(file);
  if (!values.KAFKA_BOOTSTRAP || !values.MILVUS_ADDRESS) throw new Error(`${file} lacks KAFKA_BOOTSTRAP or MILVUS_ADDRESS`);
  return { kafkaBootstrap: values.KAFKA_BOOTSTRAP, milvusAddress: values.MILVUS_ADDRESS };
}

export interface RegistryAddress {
  /** `schema.registry.url` of the stack's registry (Confluent's API, served by Apicurio Registry) */
  url: string;
  /** `user:password` it requires (basic.auth.user.info) */
  userInfo: string;
}

/**
 * The schema registry of this test run: SCHEMA_REGISTRY_URL and SCHEMA_REGISTRY_USER_INFO from the
 * environment (`npm test`), else from the instance's env file, like stackAddresses.
 */
export function schemaRegistry(env: NodeJS.ProcessEnv = process.env): RegistryAddress {
  if (env.SCHEMA_REGISTRY_URL && env.SCHEMA_REGISTRY_USER_INFO) return { url: env.SCHEMA_REGISTRY_URL, userInfo: env.SCHEMA_REGISTRY_USER_INFO };
  const file = envFilePath(env);
  const values = readEnvFile(file);
  if (!values.SCHEMA_REGISTRY_URL || !values.SCHEMA_REGISTRY_USER_INFO) {
    throw new Error(
      `No schema registry for this test: SCHEMA_REGISTRY_URL is set neither in the environment nor in ${file}. ` +
        'A stack started before the registry joined it has none: stop it and start it again (`npm run stack:down`, `npm run stack:up`).',
    );
  }
  return { url: values.SCHEMA_REGISTRY_URL, userInfo: values.SCHEMA_REGISTRY_USER_INFO };
}

function envFilePath(env: NodeJS.ProcessEnv): string {
  const name = env.STACK_NAME?.trim() || 'dev';
  return join(resolve(env.STACK_CACHE_DIR ?? join(REPO_ROOT, '.cache', 'stack')), 'run', name, 'env');
}

function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `No stack for this test: ${file} does not exist. Run the tests with \`npm test\` (it starts a stack), or start one with ` +
        '`npm run stack:up` (STACK_NAME selects the instance) and run the file again.',
    );
  }
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

let counter = 0;

/**
 * A name no other test (or earlier run against the same stack) uses, valid both as a Kafka topic
 * and as a Milvus collection name (letters, digits, underscores; starts with a letter).
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}_${random}`.replace(/[^A-Za-z0-9_]/g, '_');
}
