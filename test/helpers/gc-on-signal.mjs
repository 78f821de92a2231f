/**
 * Preloaded into a service under test (NODE_OPTIONS=--import) when a test needs to measure memory that is
 * in use rather than garbage V8 has not collected yet: on SIGUSR2 it runs a full collection and writes
 * `process.memoryUsage()` with a sequence number to MEMORY_REPORT_FILE; with HEAP_SNAPSHOT_DIR set, also a
 * heap snapshot per signal there (to compare two of them when a soak finds growth). Plain JavaScript so that
 * it loads before tsx; the service itself is unchanged.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

const file = process.env.MEMORY_REPORT_FILE;
if (file) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  let sequence = 0;
  process.on('SIGUSR2', () => {
    gc();
    gc(); // the second pass collects what the first one's finalizers released
    sequence += 1;
    if (process.env.HEAP_SNAPSHOT_DIR) writeHeapSnapshot(join(process.env.HEAP_SNAPSHOT_DIR, `heap-${sequence}.heapsnapshot`));
    // written whole and renamed, so the test never reads half a report
    writeFileSync(`${file}.tmp`, JSON.stringify({ sequence, ...process.memoryUsage() }));
    renameSync(`${file}.tmp`, file);
  });
}
