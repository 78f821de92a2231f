/**
 * The Kafka consumer keys a connector may override with `consumer.override.<key>` and that this worker
 * honours, as defined by Kafka's ConsumerConfig (types, defaults, importance, documentation), plus the
 * client keys of type PASSWORD that consumers, producers and admin clients share. Validation shows these
 * definitions for `*.override.*` entries, as Kafka does with its full client ConfigDefs; other client
 * keys are listed without a definition.
 */
import { ConfigDef, ConfigType, Importance, type ConfigKey } from '../../plugin/index.js';

/** A client key of type PASSWORD: no default, high importance, as in Kafka's client ConfigDefs. */
function secret(name: string, documentation: string): ConfigKey {
  return { name, type: ConfigType.PASSWORD, defaultValue: null, importance: Importance.HIGH, documentation };
}

/**
 * Every key of type PASSWORD in Kafka 4.1's client ConfigDefs (SslConfigs, SaslConfigs; the same for
 * consumer, producer and admin client). Defined so that their override values parse to `Password` and
 * show as `[hidden]` wherever validation shows them, as in Kafka; keys nobody defines show in plain text.
 */
export const CLIENT_PASSWORD_KEYS: readonly ConfigKey[] = [
  secret('ssl.key.password', 'The password of the private key in the key store file or the PEM key in ssl.keystore.key.'),
  secret('ssl.keystore.password', 'The store password for the key store file.'),
  secret('ssl.keystore.key', 'The private key in the format given by ssl.keystore.type (PEM: PKCS#8 keys, encrypted ones with ssl.key.password).'),
  secret('ssl.keystore.certificate.chain', 'The certificate chain in the format given by ssl.keystore.type (PEM: a list of X.509 certificates).'),
  secret('ssl.truststore.password', 'The password for the trust store file.'),
  secret('ssl.truststore.certificates', 'The trusted certificates in the format given by ssl.truststore.type (PEM: X.509 certificates).'),
  secret('sasl.jaas.config', 'JAAS login context parameters for SASL connections, in the format of JAAS configuration files.'),
  secret('sasl.oauthbearer.client.credentials.client.secret', 'The client secret of the OAuth client credentials grant.'),
  secret('sasl.oauthbearer.assertion.private.key.passphrase', 'The passphrase of the private key that signs OAuth JWT assertions.'),
];

/** What `producer.override.*` and `admin.override.*` entries are shown with: the secret keys only. */
export const CLIENT_SECRETS_CONFIG_DEF = new ConfigDef(CLIENT_PASSWORD_KEYS);

const CONSUMER_KEYS = new ConfigDef([
  {
    name: 'group.id',
    type: ConfigType.STRING,
    defaultValue: null,
    importance: Importance.HIGH,
    documentation:
      'A unique string that identifies the consumer group this consumer belongs to. This property is required if the consumer uses either the group management functionality by using <code>subscribe(topic)</code> or the Kafka-based offset management strategy.',
  },
  {
    name: 'session.timeout.ms',
    type: ConfigType.INT,
    defaultValue: 45000,
    importance: Importance.HIGH,
    documentation:
      "The timeout used to detect client failures when using Kafka's group management facility. The client sends periodic heartbeats to indicate its liveness to the broker. " +
      'If no heartbeats are received by the broker before the expiration of this session timeout, then the broker will remove this client from the group and initiate a rebalance. ' +
      'Note that the value must be in the allowable range as configured in the broker configuration by <code>group.min.session.timeout.ms</code> and <code>group.max.session.timeout.ms</code>.',
  },
  {
    name: 'heartbeat.interval.ms',
    type: ConfigType.INT,
    defaultValue: 3000,
    importance: Importance.HIGH,
    documentation:
      "The expected time between heartbeats to the consumer coordinator when using Kafka's group management facilities. " +
      "Heartbeats are used to ensure that the consumer's session stays active and to facilitate rebalancing when new consumers join or leave the group. " +
      'The value must be set lower than <code>session.timeout.ms</code>, but typically should be set no higher than 1/3 of that value. ' +
      'It can be adjusted even lower to control the expected time for normal rebalances.',
  },
  {
    name: 'metadata.max.age.ms',
    type: ConfigType.LONG,
    defaultValue: 300000,
    importance: Importance.LOW,
    documentation:
      "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any partition leadership changes to proactively discover any new brokers or partitions.",
  },
  {
    name: 'client.id',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.LOW,
    documentation:
      'An id string to pass to the server when making requests. The purpose of this is to be able to track the source of requests beyond just ip/port by allowing a logical application name to be included in server-side request logging.',
  },
  {
    name: 'client.rack',
    type: ConfigType.STRING,
    defaultValue: '',
    importance: Importance.LOW,
    documentation:
      "A rack identifier for this client. This can be any string value which indicates where this client is physically located. It corresponds with the broker config 'broker.rack'",
  },
  {
    name: 'max.partition.fetch.bytes',
    type: ConfigType.INT,
    defaultValue: 1048576,
    importance: Importance.HIGH,
    documentation:
      'The maximum amount of data per-partition the server will return. Records are fetched in batches by the consumer. ' +
      'If the first record batch in the first non-empty partition of the fetch is larger than this limit, the batch will still be returned to ensure that the consumer can make progress. ' +
      'The maximum record batch size accepted by the broker is defined via <code>message.max.bytes</code> (broker config) or <code>max.message.bytes</code> (topic config). ' +
      'See fetch.max.bytes for limiting the consumer request size.',
  },
  {
    name: 'fetch.min.bytes',
    type: ConfigType.INT,
    defaultValue: 1,
    importance: Importance.HIGH,
    documentation:
      'The minimum amount of data the server should return for a fetch request. If insufficient data is available the request will wait for that much data to accumulate before answering the request. ' +
      'The default setting of 1 byte means that fetch requests are answered as soon as that many byte(s) of data is available or the fetch request times out waiting for data to arrive. ' +
      'Setting this to a larger value will cause the server to wait for larger amounts of data to accumulate which can improve server throughput a bit at the cost of some additional latency.',
  },
  {
    name: 'fetch.max.bytes',
    type: ConfigType.INT,
    defaultValue: 52428800,
    importance: Importance.MEDIUM,
    documentation:
      'The maximum amount of data the server should return for a fetch request. ' +
      'Records are fetched in batches by the consumer, and if the first record batch in the first non-empty partition of the fetch is larger than this value, ' +
      'the record batch will still be returned to ensure that the consumer can make progress. As such, this is not a absolute maximum. ' +
      'The maximum record batch size accepted by the broker is defined via <code>message.max.bytes</code> (broker config) or <code>max.message.bytes</code> (topic config). ' +
      'Note that the consumer performs multiple fetches in parallel.',
  },
  {
    name: 'fetch.max.wait.ms',
    type: ConfigType.INT,
    defaultValue: 500,
    importance: Importance.LOW,
    documentation:
      "The maximum amount of time the server will block before answering the fetch request there isn't sufficient data to immediately satisfy the requirement given by fetch.min.bytes. " +
      "This config is used only for local log fetch. To tune the remote fetch maximum wait time, please refer to 'remote.fetch.max.wait.ms' broker config",
  },
  {
    name: 'auto.offset.reset',
    type: ConfigType.STRING,
    defaultValue: 'latest',
    importance: Importance.MEDIUM,
    documentation:
      'What to do when there is no initial offset in Kafka or if the current offset does not exist any more on the server (e.g. because that data has been deleted): ' +
      '<ul><li>earliest: automatically reset the offset to the earliest offset<li>latest: automatically reset the offset to the latest offset</li>' +
      "<li>none: throw exception to the consumer if no previous offset is found for the consumer's group</li><li>anything else: throw exception to the consumer.</li></ul>" +
      '<p>Note that altering partition numbers while setting this config to latest may cause message delivery loss since producers could start to send messages to newly added partitions ' +
      '(i.e. no initial offsets exist yet) before consumers reset their offsets.',
  },
  {
    name: 'max.poll.records',
    type: ConfigType.INT,
    defaultValue: 500,
    importance: Importance.MEDIUM,
    documentation:
      'The maximum number of records returned in a single call to poll(). Note, that <code>max.poll.records</code> does not impact the underlying fetching behavior. ' +
      'The consumer will cache the records from each fetch request and returns them incrementally from each poll.',
  },
  {
    name: 'max.poll.interval.ms',
    type: ConfigType.INT,
    defaultValue: 300000,
    importance: Importance.MEDIUM,
    documentation:
      'The maximum delay between invocations of poll() when using consumer group management. This places an upper bound on the amount of time that the consumer can be idle before fetching more records. ' +
      'If poll() is not called before expiration of this timeout, then the consumer is considered failed and the group will rebalance in order to reassign the partitions to another member. ' +
      'For consumers using a non-null <code>group.instance.id</code> which reach this timeout, partitions will not be immediately reassigned. ' +
      'Instead, the consumer will stop sending heartbeats and partitions will be reassigned after expiration of <code>session.timeout.ms</code>. ' +
      'This mirrors the behavior of a static consumer which has shutdown.',
  },
  {
    name: 'isolation.level',
    type: ConfigType.STRING,
    defaultValue: 'read_uncommitted',
    importance: Importance.MEDIUM,
    documentation:
      'Controls how to read messages written transactionally. If set to <code>read_committed</code>, consumer.poll() will only return transactional messages which have been committed. ' +
      'If set to <code>read_uncommitted</code> (the default), consumer.poll() will return all messages, even transactional messages which have been aborted. ' +
      'Non-transactional messages will be returned unconditionally in either mode. <p>Messages will always be returned in offset order. ' +
      'Hence, in  <code>read_committed</code> mode, consumer.poll() will only return messages up to the last stable offset (LSO), which is the one less than the offset of the first open transaction. ' +
      'In particular any messages appearing after messages belonging to ongoing transactions will be withheld until the relevant transaction has been completed. ' +
      'As a result, <code>read_committed</code> consumers will not be able to read up to the high watermark when there are in flight transactions.</p>' +
      '<p> Further, when in <code>read_committed</code> the seekToEnd method will return the LSO</p>',
  },
  {
    name: 'allow.auto.create.topics',
    type: ConfigType.BOOLEAN,
    defaultValue: true,
    importance: Importance.MEDIUM,
    documentation:
      'Allow automatic topic creation on the broker when subscribing to or assigning a topic. ' +
      'A topic being subscribed to will be automatically created only if the broker allows for it using `auto.create.topics.enable` broker configuration. ' +
      'This configuration must be set to `false` when using brokers older than 0.11.0',
  },
]);

export const CONSUMER_CONFIG_DEF = CONSUMER_KEYS.withKeys(CLIENT_PASSWORD_KEYS);
