import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RouteTable } from '../../src/api/route-table.js';

describe('RouteTable', () => {
  const table = new RouteTable();
  table.add('GET', '/');
  table.add(['GET', 'HEAD'], '/connectors/:connector');
  table.add('DELETE', '/connectors/:connector');
  table.add('GET', '/docs/static/*');

  test('collects the methods of every pattern a path matches, sorted', () => {
    assert.deepEqual(table.allowedMethods('/connectors/a%20b'), ['DELETE', 'GET', 'HEAD']);
    assert.deepEqual(table.allowedMethods('/connectors/a?x=1'), ['DELETE', 'GET', 'HEAD']);
    assert.deepEqual(table.allowedMethods('/docs/static/a/b.css'), ['GET']);
    assert.deepEqual(table.allowedMethods('/'), ['GET']);
  });

  test('tolerates one trailing slash, and nothing else', () => {
    assert.deepEqual(table.allowedMethods('/connectors/a/'), ['DELETE', 'GET', 'HEAD']);
    assert.deepEqual(table.allowedMethods('/connectors/a/b'), []);
    assert.deepEqual(table.allowedMethods('/connectors'), []);
    assert.deepEqual(table.allowedMethods('/connectors//'), []);
  });
});
