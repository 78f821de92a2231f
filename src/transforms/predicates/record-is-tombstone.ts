import { ConfigDef, type Predicate, type SinkRecord } from '../../plugin/index.js';
import { predicatePlugin } from '../util/predicate-plugin.js';

export const RECORD_IS_TOMBSTONE_OVERVIEW_DOC = 'A predicate which is true for records which are tombstones (i.e. have null value).';

export const RECORD_IS_TOMBSTONE_CONFIG_DEF = new ConfigDef([]);

/** org.apache.kafka.connect.transforms.predicates.RecordIsTombstone: true when the record's value is null. */
export class RecordIsTombstone implements Predicate {
  config(): ConfigDef {
    return RECORD_IS_TOMBSTONE_CONFIG_DEF;
  }

  configure(): void {
    // nothing to configure
  }

  test(record: SinkRecord): boolean {
    return record.value === null || record.value === undefined;
  }
}

export const recordIsTombstonePlugin = predicatePlugin('RecordIsTombstone', RECORD_IS_TOMBSTONE_OVERVIEW_DOC, () => new RecordIsTombstone());
