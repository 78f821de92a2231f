import type { ConfigDef, ConfigValue, ConnectorContext, SinkConnector } from '../../plugin/index.js';
import { MILVUS_SINK_CONFIG_DEF, parseMilvusSinkConfig } from './milvus-sink-config.js';
import { deepValidate } from './client/milvus-validator.js';
import { CONNECTOR_VERSION } from './version.js';

/**
 * com.milvus.io.kafka.MilvusSinkConnector: like the original, start() only parses the configuration (no
 * connectivity check; the tasks check the collection when they start) and every task gets the whole
 * configuration. validate() adds what the original never checked: reachability, auth and the collection.
 */
export class MilvusSinkConnector implements SinkConnector {
  #props: Readonly<Record<string, string>> = {};

  version(): string {
    return CONNECTOR_VERSION;
  }

  config(): ConfigDef {
    return MILVUS_SINK_CONFIG_DEF;
  }

  async start(props: Readonly<Record<string, string>>, _context: ConnectorContext): Promise<void> {
    parseMilvusSinkConfig(props);
    this.#props = { ...props };
  }

  /** `maxTasks` identical copies: each task consumes its share of the partitions into the same collection. */
  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#props }));
  }

  async stop(): Promise<void> {}

  validate(props: Readonly<Record<string, string>>, values: Map<string, ConfigValue>): Promise<Map<string, ConfigValue>> {
    return deepValidate(props, values);
  }
}
