import type { Transformation, TransformationPlugin } from '../../plugin/index.js';
import type { RecordPart } from './record-part.js';

/** The version Kafka's own transformations and predicates report (AppInfoParser.getVersion()). */
export const KAFKA_VERSION = '4.1.1';

export const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms';
export const PREDICATES_PACKAGE = 'org.apache.kafka.connect.transforms.predicates';

/** A transformation that exists once (`RegexRouter`, `Filter`, …). */
export function transformationPlugin(simpleName: string, documentation: string, create: () => Transformation): TransformationPlugin {
  return { kind: 'transformation', className: `${TRANSFORMS_PACKAGE}.${simpleName}`, aliases: [], version: KAFKA_VERSION, documentation, create };
}

/** The `$Key` and `$Value` variants of a transformation, as Kafka's nested classes. */
export function keyValuePlugins(simpleName: string, documentation: string, create: (part: RecordPart) => Transformation): TransformationPlugin[] {
  return [
    transformationPlugin(`${simpleName}$Key`, documentation, () => create('key')),
    transformationPlugin(`${simpleName}$Value`, documentation, () => create('value')),
  ];
}

/** Kafka's OVERVIEW_DOC ending for the `$Key` / `$Value` pairs. */
export function keyValueDoc(simpleName: string): string {
  return (
    `<p/>Use the concrete transformation type designed for the record key (<code>${TRANSFORMS_PACKAGE}.${simpleName}$Key</code>) ` +
    `or value (<code>${TRANSFORMS_PACKAGE}.${simpleName}$Value</code>).`
  );
}
