/** The plugin API: the only import path for connectors and converters. */
export * from './errors.js';
export * from './schema.js';
export * from './sink-record.js';
export * from './config-def.js';
export * as Validators from './validators.js';
export * from './converter.js';
export * from './sink-task.js';
export * from './sink-connector.js';
export * from './plugin-metrics.js';
