import { ConnectError, invalidValue } from '../../plugin/index.js';

/** The placeholder `collection.name` may hold; replaced by the record's topic. */
export const TOPIC_PLACEHOLDER = '${topic}';

export const TOPIC_TO_COLLECTION = 'topic.to.collection';

/**
 * Milvus' rule for collection names (proxy validateCollectionName): a letter or underscore first, then
 * letters, digits and underscores, at most 255 characters.
 */
const MILVUS_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export const COLLECTION_NAME_RULE =
  'a Milvus collection name starts with a letter or an underscore and holds only letters, digits and underscores (at most 255)';

export function isValidCollectionName(name: string): boolean {
  return MILVUS_NAME.test(name);
}

/**
 * A topic as it may appear in a collection name. Kafka topic names hold letters, digits, `.`, `_` and
 * `-`; Milvus names only letters, digits and `_`. `.` and `-` become `_`, as users of CDC topics
 * (`server.schema.table`) expect, rather than refusing them; the result is checked against Milvus' rule,
 * so a topic that still cannot name a collection (one starting with a digit under a bare `${topic}`)
 * fails with the topic and the rule named.
 */
export function topicForCollectionName(topic: string): string {
  return topic.replace(/[.-]/g, '_');
}

/**
 * `topic.to.collection` (`topicA:collA,topicB:collB`, already split at commas) as a map. Throws the
 * ConfigError the validate endpoint shows under the key: an entry without exactly one `:`, an empty
 * topic or collection, a collection name Milvus would refuse, or a topic listed twice.
 */
export function parseTopicToCollection(entries: readonly string[]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const parts = entry.split(':');
    if (parts.length !== 2) throw invalidValue(TOPIC_TO_COLLECTION, entries, `entry "${entry}" is not of the form topic:collection`);
    const [topic, collection] = parts.map((p) => p.trim());
    if (topic === '') throw invalidValue(TOPIC_TO_COLLECTION, entries, `entry "${entry}" names no topic`);
    if (collection === '') throw invalidValue(TOPIC_TO_COLLECTION, entries, `entry "${entry}" names no collection`);
    if (!isValidCollectionName(collection))
      throw invalidValue(TOPIC_TO_COLLECTION, entries, `collection "${collection}" of topic ${topic}: ${COLLECTION_NAME_RULE}`);
    if (map.has(topic)) throw invalidValue(TOPIC_TO_COLLECTION, entries, `topic ${topic} is listed twice`);
    map.set(topic, collection);
  }
  return map;
}

/** ConfigDef validator of `topic.to.collection` (the parsed value is the list of entries). */
export function validTopicToCollection(_name: string, value: unknown): void {
  if (Array.isArray(value)) parseTopicToCollection(value.map(String));
}

export interface CollectionRouting {
  /** `collection.name`: a fixed name, or a template with `${topic}` */
  readonly collectionName: string;
  /** `topic.to.collection`: explicit targets, ahead of `collection.name` */
  readonly topicToCollection: ReadonlyMap<string, string>;
}

/**
 * Which collection a record goes to, by its topic: the explicit map first, otherwise `collection.name`
 * with `${topic}` replaced. It reads the record's `topic` field, which is the topic after transforms (a
 * RegexRouter renames it), not the partition the record was consumed from. Names are remembered per
 * topic, so the rule runs once per topic.
 */
export class CollectionRouter {
  readonly #routing: CollectionRouting;
  readonly #byTopic = new Map<string, string>();

  constructor(routing: CollectionRouting) {
    this.#routing = routing;
  }

  /** True when collections are only known once records arrive (a template in `collection.name`). */
  get templated(): boolean {
    return this.#routing.collectionName.includes(TOPIC_PLACEHOLDER);
  }

  /** The collections known before any record arrives: the mapped ones and a fixed `collection.name`. */
  staticCollections(): string[] {
    const names = new Set(this.#routing.topicToCollection.values());
    const fallback = this.#routing.collectionName.trim();
    if (fallback !== '' && !this.templated) names.add(fallback);
    return [...names];
  }

  /** The collection of a record of `topic`; throws ConnectError when the topic names no valid collection. */
  collectionFor(topic: string): string {
    let name = this.#byTopic.get(topic);
    if (name === undefined) {
      name = this.#resolve(topic);
      this.#byTopic.set(topic, name);
    }
    return name;
  }

  #resolve(topic: string): string {
    const mapped = this.#routing.topicToCollection.get(topic);
    if (mapped !== undefined) return mapped;
    const template = this.#routing.collectionName.trim();
    if (template === '') throw new ConnectError(`Topic ${topic} is not in ${TOPIC_TO_COLLECTION} and collection.name is empty: set one of them`);
    // a fixed name is used as written (as the original did); Milvus itself judges it at start
    if (!template.includes(TOPIC_PLACEHOLDER)) return template;
    const name = template.replaceAll(TOPIC_PLACEHOLDER, topicForCollectionName(topic));
    if (!isValidCollectionName(name)) {
      throw new ConnectError(
        `Topic ${topic} gives the collection name "${name}" (collection.name=${template}, with . and - replaced by _), which Milvus refuses: ${COLLECTION_NAME_RULE}. Map the topic in ${TOPIC_TO_COLLECTION}, or change collection.name`,
      );
    }
    return name;
  }
}
