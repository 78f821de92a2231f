/** Plugin listing and config validation entities (PluginInfo, ConfigInfos and its parts). */

export const PluginInfo = {
  $id: 'PluginInfo',
  type: 'object',
  properties: {
    class: { type: 'string' },
    type: { type: 'string', enum: ['sink', 'source', 'converter', 'header_converter', 'transformation', 'predicate'] },
    version: { type: 'string', description: 'Omitted when the plugin reports no version' },
  },
  required: ['class', 'type'],
} as const;

export const ConfigKeyInfo = {
  $id: 'ConfigKeyInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string', enum: ['BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'] },
    required: { type: 'boolean' },
    default_value: { type: ['string', 'null'] },
    importance: { type: 'string', enum: ['HIGH', 'MEDIUM', 'LOW'] },
    documentation: { type: ['string', 'null'] },
    group: { type: ['string', 'null'] },
    width: { type: 'string', enum: ['NONE', 'SHORT', 'MEDIUM', 'LONG'] },
    display_name: { type: 'string' },
    dependents: { type: 'array', items: { type: 'string' } },
    order: { type: 'integer', description: 'Order within the group; -1 when ungrouped' },
  },
  required: ['name', 'type', 'required', 'default_value', 'importance', 'documentation', 'group', 'width', 'display_name', 'dependents', 'order'],
} as const;

export const ConfigValueInfo = {
  $id: 'ConfigValueInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    value: { type: ['string', 'null'], description: 'The parsed value rendered back to a string, default substituted' },
    recommended_values: { type: 'array', items: { type: 'string' } },
    errors: { type: 'array', items: { type: 'string' } },
    visible: { type: 'boolean' },
  },
  required: ['name', 'value', 'recommended_values', 'errors', 'visible'],
} as const;

export const ConfigInfo = {
  $id: 'ConfigInfo',
  type: 'object',
  properties: {
    definition: { anyOf: [{ $ref: 'ConfigKeyInfo#' }, { type: 'null' }] },
    value: { anyOf: [{ $ref: 'ConfigValueInfo#' }, { type: 'null' }] },
  },
  required: ['definition', 'value'],
} as const;

export const ConfigInfos = {
  $id: 'ConfigInfos',
  type: 'object',
  properties: {
    name: { type: 'string', description: 'connector.class exactly as supplied' },
    error_count: { type: 'integer' },
    groups: { type: 'array', items: { type: 'string' } },
    configs: { type: 'array', items: { $ref: 'ConfigInfo#' } },
  },
  required: ['name', 'error_count', 'groups', 'configs'],
} as const;

export const pluginSchemas = [PluginInfo, ConfigKeyInfo, ConfigValueInfo, ConfigInfo, ConfigInfos];
