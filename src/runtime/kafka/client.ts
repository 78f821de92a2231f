/**
 * kafkajs clients built from Kafka-style client properties, with kafkajs logs bridged to pino under
 * the Kafka client logger names operators already use in log configs and /admin/loggers.
 */
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

export interface LoggerSource {
  logger(name: string): Logger;
}

const CONSUMER_LOGGER = 'org.apache.kafka.clients.consumer.KafkaConsumer';
const PRODUCER_LOGGER = 'org.apache.kafka.clients.producer.KafkaProducer';
const ADMIN_LOGGER = 'org.apache.kafka.clients.admin.AdminClient';
const NETWORK_LOGGER = 'org.apache.kafka.clients.NetworkClient';

/** kafkajs namespaces (`Consumer`, `ConsumerGroup`, `Runner`, `Producer`, `Admin`, `Connection`, …). */
export function kafkaLoggerName(namespace: string | undefined): string {
  // kafkajs' root logger (e.g. its partitioner warning) logs without a namespace
  if (namespace === undefined || namespace === '') return NETWORK_LOGGER;
  if (namespace.startsWith('Consumer') || namespace === 'Runner' || namespace.startsWith('Fetch')) return CONSUMER_LOGGER;
  if (namespace.startsWith('Producer') || namespace.startsWith('Messageproducer')) return PRODUCER_LOGGER;
  if (namespace.startsWith('Admin')) return ADMIN_LOGGER;
  return NETWORK_LOGGER;
}

const LEVEL_METHOD: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs at ERROR what its retry logic then handles: error responses (a coordinator still
 * loading, a rebalance in progress) and unreachable brokers. The Java client logs those at INFO and
 * WARN. Real failures surface again where they end (a crash, a failed commit), at ERROR.
 */
function levelOf({ namespace, level, log }: LogEntry): number {
  if (level !== logLevel.ERROR) return level;
  if (namespace === 'Connection') return log.message.startsWith('Response ') ? logLevel.INFO : logLevel.WARN;
  return namespace === 'BrokerPool' ? logLevel.WARN : level;
}

/** Routes kafkajs log entries to pino; the pino logger's level decides what is written. */
export function pinoLogCreator(loggers: LoggerSource, bindings: Record<string, unknown> = {}): logCreator {
  const byNamespace = new Map<string, Logger>();
  return () => (entry: LogEntry) => {
    const { namespace, log } = entry;
    const method = LEVEL_METHOD[levelOf(entry)];
    if (method === undefined) return;
    let logger = byNamespace.get(namespace);
    if (logger === undefined) {
      logger = loggers.logger(kafkaLoggerName(namespace)).child({ ...bindings, kafkajs: namespace });
      byNamespace.set(namespace, logger);
    }
    if (!logger.isLevelEnabled(method)) return;
    // timestamp and logger name are pino's business
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
    logger[method](extra, message);
  };
}

/** kafkajs computes DEBUG entries only when asked; follow the pino level at creation. */
function kafkajsLevel(loggers: LoggerSource): logLevel {
  const probe = loggers.logger(CONSUMER_LOGGER);
  return probe.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.INFO;
}

export function createKafka(config: Omit<KafkaConfig, 'logCreator' | 'logLevel'>, loggers: LoggerSource, bindings?: Record<string, unknown>): Kafka {
  return new Kafka({ ...config, logLevel: kafkajsLevel(loggers), logCreator: pinoLogCreator(loggers, bindings) });
}
