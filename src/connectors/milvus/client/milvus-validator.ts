import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { ConfigValue } from '../../../plugin/index.js';
import { checkDatabase, loadState, missingCollectionMessage, notLoadedMessage } from './collection-setup.js';
import { connectMilvus, isUnreachable } from './milvus-client.js';
import { scrub } from './secret-scrubber.js';
import { MilvusRequestError } from '../write/milvus-errors.js';
import { parseMilvusSinkConfig, type MilvusSinkConfig } from '../milvus-sink-config.js';
import { CollectionRouter, TOPIC_TO_COLLECTION } from '../collection-router.js';

/** The validate endpoint answers within a few seconds even when Milvus does not. */
export const DEEP_VALIDATE_TIMEOUT_MS = 5_000;

// gRPC UNAUTHENTICATED / PERMISSION_DENIED, merr 1400/1401, legacy PermissionDenied
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'PERMISSION_DENIED', '1400', '1401', 'PermissionDenied']);
const AUTH_TEXT = /unauthenticated|authenticat|auth failed|permission denied|invalid token|api key|credential|password/i;

/** An error's text for the validate output. Texts come from the server and the SDK: the token is cut out in case one echoes it. */
function reason(error: unknown, token: string | undefined): string {
  return scrub(error instanceof Error ? error.message : String(error), token);
}

function addError(values: Map<string, ConfigValue>, key: string, message: string): void {
  values.get(key)?.errors.push(message);
}

function isAuthFailure(error: unknown): boolean {
  if (error instanceof MilvusRequestError && AUTH_CODES.has(error.code)) return true;
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code;
  if (code === 16 || code === 7) return true;
  return AUTH_TEXT.test(error instanceof Error ? error.message : String(error));
}

function hasErrors(values: Map<string, ConfigValue>, ...keys: string[]): boolean {
  return keys.some((k) => (values.get(k)?.errors.length ?? 0) > 0);
}

/**
 * The connector's deep validation (PUT …/config/validate): when `public.endpoint` is set, checks within
 * DEEP_VALIDATE_TIMEOUT_MS that Milvus accepts the token, has the collection and has it loaded, and
 * attaches each finding to the key that fixes it. A Milvus that does not answer is not an error (the
 * tasks wait for it); whether it answered shows in public.endpoint's recommended values. The original always returned zero errors; a config
 * without an endpoint still validates as it did there. Never puts the token into a message.
 */
export async function deepValidate(
  props: Readonly<Record<string, string>>,
  values: Map<string, ConfigValue>,
  timeoutMs = DEEP_VALIDATE_TIMEOUT_MS,
): Promise<Map<string, ConfigValue>> {
  if (!props['public.endpoint']?.trim() || hasErrors(values, 'public.endpoint', 'token', 'database.name', 'collection.name', TOPIC_TO_COLLECTION))
    return values;
  let config: MilvusSinkConfig;
  try {
    config = parseMilvusSinkConfig(props);
  } catch {
    return values; // the ConfigDef already reported what is wrong with the keys
  }
  const token = config.token?.value;
  // findings are collected apart and merged once, so a check still running after the timeout changes nothing
  const found = new Map<string, ConfigValue>([...values.keys()].map((k) => [k, { ...values.get(k)!, errors: [] }]));
  let settled = false;
  let reachable = false;
  let client: MilvusClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    try {
      client = await connectMilvus({
        endpoint: config.endpoint,
        token,
        database: config.databaseName === 'default' ? undefined : config.databaseName,
        timeoutMs,
        tlsCaPath: config.tlsCaPath,
        tlsSkipVerify: config.tlsSkipVerify,
      });
    } catch (error) {
      // unreachable is not a config error: the connector is accepted and its tasks wait for Milvus
      if (isUnreachable(error)) return;
      const key = isAuthFailure(error) ? 'token' : 'public.endpoint';
      addError(found, key, reason(error, token));
      return;
    }
    if (settled) return;
    reachable = true;
    await checkCollection(client, config, found, timeoutMs);
  };
  const running = check().catch((error: unknown) => {
    addError(found, 'public.endpoint', `Checking Milvus failed: ${reason(error, token)}`);
  });
  const timedOut = await Promise.race([running.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)))]);
  settled = true;
  clearTimeout(timer);
  if (timedOut) {
    // a Milvus that does not answer is waited for by the tasks, not refused here (docs/operations.md)
    // close the client whenever the abandoned check gets one
    void running.finally(() => client?.closeConnection().catch(() => undefined));
  } else {
    await client?.closeConnection().catch(() => undefined);
    for (const [key, value] of found) values.get(key)?.errors.push(...value.errors);
  }
  // reachability without an error: the endpoint comes back as public.endpoint's recommended value
  // when Milvus answered, and the list stays empty when it did not
  const endpoint = values.get('public.endpoint');
  if (endpoint && reachable && !timedOut) endpoint.recommendedValues = [config.endpoint];
  return values;
}

/**
 * Checks the database, then each collection the config names: the ones in topic.to.collection (findings
 * under that key) and a fixed collection.name. A collection.name with ${topic} names collections that
 * may only exist once their topic appears (or auto.create makes them), so it is not checked here.
 */
async function checkCollection(client: MilvusClient, config: MilvusSinkConfig, values: Map<string, ConfigValue>, timeoutMs: number): Promise<void> {
  const target = (collection: string) => ({ client, collection, database: config.databaseName, timeoutMs, logger: silent });
  const token = config.token?.value;
  if (config.collectionName.trim() === '' && config.topicToCollection.size === 0) {
    addError(values, 'collection.name', 'collection.name is empty: set it to the collection the records go to');
    return;
  }
  try {
    await checkDatabase(target(config.collectionName));
  } catch (error) {
    if (isUnreachable(error)) return; // Milvus went away mid-check: not a config error either
    addError(values, isAuthFailure(error) ? 'token' : 'database.name', reason(error, token));
    return;
  }
  const router = new CollectionRouter(config);
  const mapped = new Set(config.topicToCollection.values());
  for (const name of router.staticCollections()) {
    const key = mapped.has(name) ? TOPIC_TO_COLLECTION : 'collection.name';
    try {
      const state = await loadState(target(name));
      if (state === 'NotExist' && !config.autoCreate) addError(values, key, missingCollectionMessage(target(name)));
      if ((state === 'NotLoad' || state === 'Loading') && !config.autoLoad) addError(values, key, notLoadedMessage(target(name), state));
    } catch (error) {
      if (isUnreachable(error)) return; // Milvus went away mid-check: not a config error either
      const message = reason(error, token);
      if (isAuthFailure(error)) addError(values, 'token', message);
      else if (/database/i.test(message)) addError(values, 'database.name', message);
      else addError(values, key, message);
      return;
    }
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
