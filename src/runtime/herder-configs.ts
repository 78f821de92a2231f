import type { Logger } from 'pino';
import type { ParsedConfig } from '../plugin/index.js';
import type { ConfigStore, ConnectorConfig, ConnectorRecord } from '../store/types.js';
import { configErrorsMessage } from './config-infos.js';
import type { ConfigTransformer } from './config-transformer.js';
import { CONNECTOR_CLASS_CONFIG, NAME_CONFIG } from './connector-config.js';
import { checkConnectorNameAddressable, connectorName, connectorNameMismatch } from './connector-name.js';
import { validateConnectorConfig, type ConnectorProps } from './connector-validation.js';
import { AlreadyExistsError, BadRequestError, NotFoundError } from './errors.js';
import type { HerderConverger } from './herder-converge.js';
import type { SerialQueues, Stages } from './herder-queue.js';
import type { HerderStatus } from './herder-status.js';
import type { Plugins } from './plugins.js';
import { State, TargetState } from './status.js';
import type { ConfigInfos, ConnectorInfo, Created, CreateConnectorRequest, TaskInfo } from './types.js';

export interface HerderConfigsOptions {
  configStore: ConfigStore;
  plugins: Plugins;
  workerConfig: Pick<ParsedConfig, 'getString' | 'values'>;
  configTransformer: ConfigTransformer;
  queues: SerialQueues;
  stages: Stages;
  converge: HerderConverger;
  status: Pick<HerderStatus, 'connector' | 'forget'>;
  log: Logger;
}

/** The stored record of `name`, or the NotFoundError whose text the calling endpoint answers with in Kafka. */
export function requireConnector(configs: ConfigStore, name: string, message = `Connector ${name} not found`): ConnectorRecord {
  const record = configs.get(name);
  if (!record) throw new NotFoundError(message);
  return record;
}

export function connectorType(plugins: Plugins, record: ConnectorRecord | undefined): ConnectorInfo['type'] {
  return plugins.connectorType(record?.config[CONNECTOR_CLASS_CONFIG]);
}

/**
 * The connector configs as users see them: reads, validation, and the writes that change them (create,
 * put, patch, delete). A write runs in the connector's queue and either fails before anything is stored
 * or stores the config in one transaction and then brings the worker to it, so a half-applied config is
 * never visible.
 */
export class HerderConfigs {
  readonly #configs: ConfigStore;
  readonly #plugins: Plugins;
  readonly #workerConfig: Pick<ParsedConfig, 'getString' | 'values'>;
  readonly #configTransformer: ConfigTransformer;
  readonly #queues: SerialQueues;
  readonly #stages: Stages;
  readonly #converge: HerderConverger;
  readonly #status: Pick<HerderStatus, 'connector' | 'forget'>;
  readonly #log: Logger;

  constructor(options: HerderConfigsOptions) {
    this.#configs = options.configStore;
    this.#plugins = options.plugins;
    this.#workerConfig = options.workerConfig;
    this.#configTransformer = options.configTransformer;
    this.#queues = options.queues;
    this.#stages = options.stages;
    this.#converge = options.converge;
    this.#status = options.status;
    this.#log = options.log;
  }

  // ---------------------------------------------------------------- reads

  connectorInfo(name: string): ConnectorInfo {
    return this.#info(requireConnector(this.#configs, name));
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...requireConnector(this.#configs, name).config };
  }

  taskConfigs(name: string): TaskInfo[] {
    const record = requireConnector(this.#configs, name);
    return record.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  tasksConfig(name: string): Record<string, Record<string, string>> {
    const record = this.#configs.get(name);
    // standalone quirk kept: a connector without tasks is "not found" here
    if (!record || record.taskConfigs.length === 0) throw new NotFoundError(`Connector ${name} not found`);
    return Object.fromEntries(record.taskConfigs.map((config, task) => [`${name}-${task}`, { ...config }]));
  }

  // ---------------------------------------------------------------- writes

  async createConnector(request: CreateConnectorRequest): Promise<ConnectorInfo> {
    const name = connectorName(request.name ?? '');
    const config: Record<string, string | null> = { ...request.config };
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw connectorNameMismatch(config[NAME_CONFIG], name);
    config[NAME_CONFIG] = name;
    const initialState =
      request.initial_state === 'PAUSED' ? TargetState.PAUSED : request.initial_state === 'STOPPED' ? TargetState.STOPPED : TargetState.STARTED;
    const { result } = await this.#queues.run(name, () => this.#write(name, config, { allowReplace: false, initialState }));
    return result;
  }

  async putConnectorConfig(given: string, config: Record<string, string | null>): Promise<Created<ConnectorInfo>> {
    const name = connectorName(given);
    if (Object.hasOwn(config, NAME_CONFIG) && config[NAME_CONFIG] !== name) throw connectorNameMismatch(config[NAME_CONFIG], name);
    const withName = { ...config, [NAME_CONFIG]: name };
    return this.#queues.run(name, () => this.#write(name, withName, { allowReplace: true }));
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return this.#queues.run(name, async () => {
      const record = requireConnector(this.#configs, name);
      // deviation: Kafka does not check the name of a patch; we refuse one that renames or drops it
      if (Object.hasOwn(patch, NAME_CONFIG) && patch[NAME_CONFIG] !== name) throw connectorNameMismatch(patch[NAME_CONFIG], name);
      const merged: Record<string, string | null> = { ...record.config };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      return (await this.#write(name, merged, { allowReplace: true })).result;
    });
  }

  async deleteConnector(name: string): Promise<void> {
    return this.#queues.run(name, async () => {
      const record = requireConnector(this.#configs, name);
      this.#configs.transaction(() => this.#configs.remove(name));
      await this.#converge.stopTasks(name, record.taskConfigs.length);
      await this.#converge.stopConnector(name);
      this.#status.forget(name);
      this.#converge.forget(name);
      this.#log.info({ connector: name }, 'Deleted connector');
    });
  }

  // ---------------------------------------------------------------- validation

  async validateConnectorConfig(config: Record<string, string | null>, pluginName?: string): Promise<ConfigInfos> {
    const included = config[CONNECTOR_CLASS_CONFIG];
    if (pluginName !== undefined && typeof included === 'string' && !normalizedPluginName(included).endsWith(normalizedPluginName(pluginName))) {
      throw new BadRequestError(`Included connector type ${included} does not match request type ${pluginName}`);
    }
    return this.#validate(config);
  }

  #validate(config: ConnectorProps): Promise<ConfigInfos> {
    const policy = this.#workerConfig.values.has('connector.client.config.override.policy')
      ? (this.#workerConfig.getString('connector.client.config.override.policy') ?? undefined)
      : undefined;
    return this.#stages.run('validating the connector configuration', () =>
      validateConnectorConfig(config, { plugins: this.#plugins, clientOverridePolicy: policy, configTransformer: this.#configTransformer }),
    );
  }

  /** Validate, then write (one transaction), then converge. Runs in the connector's queue. */
  async #write(
    name: string,
    config: ConnectorProps,
    options: { allowReplace: boolean; initialState?: TargetState },
  ): Promise<Created<ConnectorInfo>> {
    const infos = await this.#validate(config);
    const errors = configErrorsMessage(infos);
    if (errors) throw new BadRequestError(errors);
    const previous = this.#configs.get(name);
    if (previous && !options.allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`);
    if (!previous) checkConnectorNameAddressable(name);
    // validation reported every null value, so only strings are left
    const stored = config as ConnectorConfig;
    this.#configs.transaction(() => this.#configs.putConnectorConfig(name, stored, options.initialState));

    if (previous) await this.#converge.stopConnector(name);
    else this.#status.connector(name, State.UNASSIGNED);
    await this.#converge.startConnector(name);
    await this.#converge.updateTasks(name);
    this.#log.info({ connector: name }, previous ? 'Reconfigured connector' : 'Created connector');
    return { created: !previous, result: this.#info(requireConnector(this.#configs, name)) };
  }

  #info(record: ConnectorRecord): ConnectorInfo {
    return {
      name: record.name,
      config: { ...record.config },
      tasks: record.taskConfigs.map((_, task) => ({ connector: record.name, task })),
      type: connectorType(this.#plugins, record),
    };
  }
}

/** Kafka's ConnectorPluginsResource.normalizedPluginName: without a trailing `Connector`. */
function normalizedPluginName(name: string): string {
  const suffix = 'Connector';
  return name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : name;
}
