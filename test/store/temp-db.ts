import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh directory for a test's database files, removed when the test ends. */
export function tempDbPath(t: TestContext, file = 'connect.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'milvus-connect-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, file);
}
