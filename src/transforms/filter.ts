import { ConfigDef, type Transformation } from '../plugin/index.js';
import { transformationPlugin } from './util/plugins.js';

export const FILTER_OVERVIEW_DOC =
  'Drops all records, filtering them from subsequent transformations in the chain. ' +
  'This is intended to be used conditionally to filter out records matching (or not matching) a particular Predicate.';

export const FILTER_CONFIG_DEF = new ConfigDef([]);

/** org.apache.kafka.connect.transforms.Filter: drops every record it is applied to (use it with a predicate). */
export class Filter implements Transformation {
  config(): ConfigDef {
    return FILTER_CONFIG_DEF;
  }

  configure(): void {
    // nothing to configure
  }

  apply(): null {
    return null;
  }
}

export const filterPlugin = transformationPlugin('Filter', FILTER_OVERVIEW_DOC, () => new Filter());
