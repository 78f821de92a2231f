/**
 * Options for @platformatic/kafka clients from the same parsed Kafka client properties the kafkajs
 * clients get (client-config.ts), so both read `bootstrap.servers`, `security.protocol`, `sasl.*`,
 * `ssl.*` and the timeouts one way.
 */
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { ClientOptions } from './client-config.js';

export type KafkaClientSettings = ClientOptions['client'];

const SASL_MECHANISMS: Readonly<Record<string, SASLOptions['mechanism']>> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

function sasl(settings: KafkaClientSettings): SASLOptions | undefined {
  const options = settings.sasl as { mechanism: string; username?: string; password?: string } | undefined;
  if (options === undefined) return undefined;
  const mechanism = SASL_MECHANISMS[options.mechanism];
  // client-config.ts only produces the three mechanisms above
  if (mechanism === undefined) throw new Error(`SASL mechanism ${options.mechanism} is not supported by this client`);
  return { mechanism, username: options.username, password: options.password };
}

export function platformaticOptions(settings: KafkaClientSettings): BaseOptions {
  const { brokers, ssl } = settings;
  if (!Array.isArray(brokers)) throw new Error('bootstrap.servers must be a list of host:port');
  const auth = sasl(settings);
  return {
    clientId: settings.clientId ?? 'connect',
    bootstrapBrokers: brokers,
    ...(settings.requestTimeout === undefined ? {} : { requestTimeout: settings.requestTimeout }),
    ...(settings.connectionTimeout === undefined ? {} : { connectTimeout: settings.connectionTimeout }),
    ...(settings.retry?.initialRetryTime === undefined ? {} : { retryDelay: settings.retry.initialRetryTime }),
    ...(ssl ? { tls: ssl === true ? {} : ssl } : {}),
    ...(auth ? { sasl: auth } : {}),
  };
}
