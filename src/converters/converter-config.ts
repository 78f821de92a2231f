import { ConfigType, Importance, Validators, Width, type ConfigKey } from '../plugin/index.js';

/** Kafka's ConverterConfig.TYPE_CONFIG: set by the framework, never by users. */
export const CONVERTER_TYPE_CONFIG = 'converter.type';

export const ConverterType = { KEY: 'key', VALUE: 'value', HEADER: 'header' } as const;
export type ConverterType = (typeof ConverterType)[keyof typeof ConverterType];

/**
 * The key every Kafka converter ConfigDef starts with (ConverterConfig.newConfigDef()). It has no default:
 * like Kafka's AbstractHerder, whoever validates `key.converter.*` / `value.converter.*` props against a
 * converter's ConfigDef adds `converter.type` (key/value/header) first. configure() adds it itself.
 */
export const CONVERTER_TYPE_KEY: ConfigKey = {
  name: CONVERTER_TYPE_CONFIG,
  type: ConfigType.STRING,
  validator: Validators.oneOf(ConverterType.KEY, ConverterType.VALUE, ConverterType.HEADER),
  importance: Importance.LOW,
  documentation: 'How this converter will be used.',
  group: null,
  orderInGroup: -1,
  width: Width.NONE,
  displayName: CONVERTER_TYPE_CONFIG,
};

/** The converter's props with `converter.type` filled in from `isKey`, as Kafka's configure(props, isKey). */
export function withConverterType(props: Readonly<Record<string, string>>, isKey: boolean): Record<string, string> {
  return { ...props, [CONVERTER_TYPE_CONFIG]: isKey ? ConverterType.KEY : ConverterType.VALUE };
}

/** The Kafka release whose converters these mirror (AppInfoParser.getVersion() in Kafka). */
export const KAFKA_VERSION = '4.1.1';
