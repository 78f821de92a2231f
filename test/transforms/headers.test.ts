/** Kafka's DropHeadersTest, InsertHeaderTest, HeaderFromTest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, SchemaType, type Header } from '../../src/plugin/index.js';
import { DropHeaders } from '../../src/transforms/drop-headers.js';
import { HeaderFrom } from '../../src/transforms/header-from.js';
import { InsertHeader } from '../../src/transforms/insert-header.js';
import { configured, DATE, record, schema, shape, struct } from './records.js';

const header = (key: string, value: unknown, s = schema(SchemaType.STRING)): Header => ({ key, value: null, converted: { schema: s, value } });
const view = (headers: readonly Header[]) => headers.map((h) => [h.key, h.converted?.value ?? null]);

describe('DropHeaders', () => {
  it('drops every header with a configured name, keeps the others in order', () => {
    const xform = configured(new DropHeaders(), { headers: 'dropped, other-dropped' });
    const out = xform.apply(
      record({ headers: [header('dropped', 'a'), header('kept', 'b'), header('dropped', 'c'), header('other-dropped', 'd'), header('kept2', 'e')] }),
    );
    assert.deepEqual(view(out.headers), [
      ['kept', 'b'],
      ['kept2', 'e'],
    ]);
  });

  it('needs at least one header name', () => {
    assert.throws(() => configured(new DropHeaders(), { headers: '' }), ConfigError);
  });
});

describe('InsertHeader', () => {
  it('appends a header whose value is typed as Values.parseString types the literal', () => {
    const out = configured(new InsertHeader(), { header: 'inserted', 'value.literal': '42' }).apply(record({ headers: [header('existing', 'x')] }));
    assert.deepEqual(view(out.headers), [
      ['existing', 'x'],
      ['inserted', 42],
    ]);
    assert.equal(out.headers[1].converted!.schema!.type, SchemaType.INT8);
    const text = configured(new InsertHeader(), { header: 'h', 'value.literal': 'some text' }).apply(record());
    assert.deepEqual(text.headers[0].converted, { schema: schema(SchemaType.STRING), value: 'some text' });
    const date = configured(new InsertHeader(), { header: 'h', 'value.literal': '2024-01-31' }).apply(record());
    assert.deepEqual(date.headers[0].converted, { schema: schema(SchemaType.INT32, { name: DATE, version: 1 }), value: new Date(Date.UTC(2024, 0, 31)) });
  });

  it('needs a header name and a literal', () => {
    assert.throws(() => configured(new InsertHeader(), { 'value.literal': 'x' }), ConfigError);
    assert.throws(() => configured(new InsertHeader(), { header: 'h' }), ConfigError);
  });
});

describe('HeaderFrom', () => {
  const s = struct([
    ['field1', schema(SchemaType.STRING)],
    ['field2', schema(SchemaType.INT32)],
  ]);

  it('copy: the fields stay and headers with their values (and schemas) are appended', () => {
    const xform = configured(new HeaderFrom('value'), { fields: 'field1,field2', headers: 'inserted1,inserted2', operation: 'copy' });
    const out = xform.apply(record({ valueSchema: s, value: { field1: 'a', field2: 2 }, headers: [header('existing', 'x')] }));
    assert.deepEqual(out.value, { field1: 'a', field2: 2 });
    assert.deepEqual(view(out.headers), [
      ['existing', 'x'],
      ['inserted1', 'a'],
      ['inserted2', 2],
    ]);
    assert.equal(out.headers[2].converted!.schema!.type, SchemaType.INT32);
  });

  it('move: the fields leave the value and its schema', () => {
    const xform = configured(new HeaderFrom('value'), { fields: 'field1', headers: 'inserted1', operation: 'move' });
    const out = xform.apply(record({ valueSchema: s, value: { field1: 'a', field2: 2 } }));
    assert.deepEqual([out.value, shape(out.valueSchema)], [{ field2: 2 }, { field2: 'int32' }]);
    const schemaless = xform.apply(record({ value: { field1: 'a', field2: 2 } }));
    assert.deepEqual([schemaless.value, view(schemaless.headers)], [{ field2: 2 }, [['inserted1', 'a']]]);
  });

  it('the key variant reads the key', () => {
    const out = configured(new HeaderFrom('key'), { fields: 'id', headers: 'id', operation: 'copy' }).apply(record({ key: { id: 7 } }));
    assert.deepEqual(view(out.headers), [['id', 7]]);
  });

  it('fields and headers must pair up; the operation is move or copy', () => {
    assert.throws(
      () => configured(new HeaderFrom('value'), { fields: 'a,b', headers: 'x', operation: 'copy' }),
      new ConfigError("'fields' config must have the same number of elements as 'headers' config."),
    );
    assert.throws(() => configured(new HeaderFrom('value'), { fields: 'a', headers: 'x', operation: 'cut' }), /String must be one of: move, copy/);
  });
});
