import type { PredicatePlugin, TransformationPlugin } from '../plugin/index.js';
import { castPlugins } from './cast.js';
import { dropHeadersPlugin } from './drop-headers.js';
import { extractFieldPlugins } from './extract-field.js';
import { filterPlugin } from './filter.js';
import { flattenPlugins } from './flatten.js';
import { headerFromPlugins } from './header-from.js';
import { hoistFieldPlugins } from './hoist-field.js';
import { insertFieldPlugins } from './insert-field.js';
import { insertHeaderPlugin } from './insert-header.js';
import { maskFieldPlugins } from './mask-field.js';
import { hasHeaderKeyPlugin } from './predicates/has-header-key.js';
import { recordIsTombstonePlugin } from './predicates/record-is-tombstone.js';
import { topicNameMatchesPlugin } from './predicates/topic-name-matches.js';
import { regexRouterPlugin } from './regex-router.js';
import { replaceFieldPlugins } from './replace-field.js';
import { setSchemaMetadataPlugins } from './set-schema-metadata.js';
import { timestampConverterPlugins } from './timestamp-converter.js';
import { timestampRouterPlugin } from './timestamp-router.js';
import { valueToKeyPlugin } from './value-to-key.js';

/** The single message transforms Kafka ships, under Kafka's class names (handed to the Plugins registry by main.ts). */
export const builtinTransformations: TransformationPlugin[] = [
  ...castPlugins,
  dropHeadersPlugin,
  ...extractFieldPlugins,
  filterPlugin,
  ...flattenPlugins,
  ...headerFromPlugins,
  ...hoistFieldPlugins,
  ...insertFieldPlugins,
  insertHeaderPlugin,
  ...maskFieldPlugins,
  regexRouterPlugin,
  ...replaceFieldPlugins,
  ...setSchemaMetadataPlugins,
  ...timestampConverterPlugins,
  timestampRouterPlugin,
  valueToKeyPlugin,
];

/** The predicates Kafka ships, under Kafka's class names. */
export const builtinPredicates: PredicatePlugin[] = [hasHeaderKeyPlugin, recordIsTombstonePlugin, topicNameMatchesPlugin];

/** Where a task thread finds the built-in transformations and predicates again (see `Plugins.load`). */
export const BUILTIN_TRANSFORMS_MODULE = { url: import.meta.url, exports: ['builtinTransformations', 'builtinPredicates'] } as const;
