/**
 * The replication factor a topic this worker creates gets. Kafka's defaults (3 for the internal topics
 * and the DLQ) exceed a development cluster's single broker, where the JVM worker fails to create the
 * topic; here the factor is lowered to the broker count, with a warning, so the defaults work anywhere.
 */
import type { Logger } from 'pino';

/** `-1`: let the broker apply its `default.replication.factor`. */
export const BROKER_DEFAULT_REPLICATION_FACTOR = -1;

/**
 * `requested`, or the number of brokers when there are fewer (logged as a warning naming `what`, e.g.
 * "Dead letter queue topic dlq"). The broker default (-1) is passed through: the broker decides.
 */
export function cappedReplicationFactor(what: string, requested: number, brokers: number, logger: Pick<Logger, 'warn'>): number {
  if (requested === BROKER_DEFAULT_REPLICATION_FACTOR || requested <= brokers) return requested;
  logger.warn(`${what}: replication factor ${requested} lowered to the ${brokers} broker(s) of the cluster`);
  return brokers;
}
