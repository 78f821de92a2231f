/** The plugin API: the only import path for connectors, converters and transformations. */
export * from './errors.js';
export * from './schema.js';
export * from './sink-record.js';
export * from './config-def.js';
export * as Validators from './validators.js';
export * as Values from './values.js';
export * from './java-regex.js';
export * from './java-floating-point.js';
export * from './simple-date-format.js';
export * from './converter.js';
export * from './transformation.js';
export * from './sink-task.js';
export * from './sink-connector.js';
export * from './plugin-metrics.js';
export { decimalFromTwosComplement, decimalText } from './decimal.js';
