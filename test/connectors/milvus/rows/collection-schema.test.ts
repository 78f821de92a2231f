import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectionSchemaFromDescribe, describeFieldType, type DescribedCollection } from '../../../../src/connectors/milvus/rows/collection-schema.js';

/** Shaped like the SDK's describeCollection response after its formatDescribedCol (type params flattened, as strings). */
const described: DescribedCollection = {
  collection_name: 'docs',
  schema: {
    name: 'docs',
    enable_dynamic_field: true,
    fields: [
      { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: true, type_params: [] },
      { name: 'title', data_type: 'VarChar', max_length: '256', type_params: [{ key: 'max_length', value: '256' }], nullable: true },
      { name: 'vec', data_type: 'FloatVector', dim: '768', type_params: [{ key: 'dim', value: '768' }] },
      {
        name: 'tags',
        data_type: 'Array',
        element_type: 'VarChar',
        type_params: [
          { key: 'max_capacity', value: '8' },
          { key: 'max_length', value: '16' },
        ],
      },
      { name: 'rank', data_type: 'Int32', default_value: 3 },
      { name: 'bm25', data_type: 'SparseFloatVector', is_function_output: true },
      { name: 'tenant', data_type: 'VarChar', max_length: '32', is_partition_key: true },
      { name: '$meta', data_type: 'JSON', is_dynamic: true },
    ],
  },
  properties: [{ key: 'allow_insert_auto_id', value: 'true' }],
  update_timestamp_str: '456',
};

describe('collectionSchemaFromDescribe', () => {
  const view = collectionSchemaFromDescribe(described);

  it('keeps the user fields in schema order, without the hidden $meta field', () => {
    assert.deepEqual(
      view.fields.map((f) => f.name),
      ['id', 'title', 'vec', 'tags', 'rank', 'bm25', 'tenant'],
    );
    assert.equal(view.byName.get('vec'), view.fields[2]);
    assert.equal(view.byName.has('$meta'), false);
  });

  it('reads the primary key, autoID, dynamic field, allow_insert_auto_id and update timestamp', () => {
    assert.equal(view.name, 'docs');
    assert.equal(view.primaryField.name, 'id');
    assert.equal(view.primaryField.autoId, true);
    assert.equal(view.enableDynamicField, true);
    assert.equal(view.allowInsertAutoId, true);
    assert.equal(view.updateTimestamp, '456');
  });

  it('turns type params into numbers, whether flattened or only in type_params', () => {
    assert.equal(view.byName.get('vec')!.dim, 768);
    assert.equal(view.byName.get('title')!.maxLength, 256);
    assert.equal(view.byName.get('tags')!.maxCapacity, 8);
    assert.equal(view.byName.get('tags')!.maxLength, 16);
    assert.equal(view.byName.get('tags')!.elementType, 'VarChar');
  });

  it('keeps nullability, default values, function outputs and partition keys', () => {
    assert.equal(view.byName.get('title')!.nullable, true);
    assert.equal(view.byName.get('rank')!.defaultValue, 3);
    assert.equal(view.byName.get('title')!.defaultValue, undefined);
    assert.equal(view.byName.get('bm25')!.isFunctionOutput, true);
    assert.equal(view.byName.get('tenant')!.isPartitionKey, true);
  });

  it('refuses a schema without a primary key', () => {
    assert.throws(() => collectionSchemaFromDescribe({ collection_name: 'x', schema: { fields: [{ name: 'a', data_type: 'Int64' }] } }), /no primary key/);
  });
});

describe('describeFieldType (for error messages)', () => {
  const view = collectionSchemaFromDescribe(described);
  it('names the type and the limits that matter', () => {
    assert.equal(describeFieldType(view.byName.get('vec')!), 'FloatVector, dim 768');
    assert.equal(describeFieldType(view.byName.get('title')!), 'VarChar, max_length 256');
    assert.equal(describeFieldType(view.byName.get('tags')!), 'Array of VarChar, max_length 16, max_capacity 8');
    assert.equal(describeFieldType(view.byName.get('bm25')!), 'SparseFloatVector');
  });
});
