import type { Predicate, PredicatePlugin } from '../../plugin/index.js';
import { KAFKA_VERSION, PREDICATES_PACKAGE } from './plugins.js';

export function predicatePlugin(simpleName: string, documentation: string, create: () => Predicate): PredicatePlugin {
  return { kind: 'predicate', className: `${PREDICATES_PACKAGE}.${simpleName}`, aliases: [], version: KAFKA_VERSION, documentation, create };
}
