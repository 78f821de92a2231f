/**
 * A normalised, read-only view of a Milvus collection schema, built once from the SDK's describeCollection
 * response. Row mapping and the writer read only this, so they can be tested without a server.
 */

/** Milvus data type names as describeCollection reports them (`data_type`). */
export const MilvusType = {
  None: 'None',
  Bool: 'Bool',
  Int8: 'Int8',
  Int16: 'Int16',
  Int32: 'Int32',
  Int64: 'Int64',
  Float: 'Float',
  Double: 'Double',
  VarChar: 'VarChar',
  Text: 'Text',
  Array: 'Array',
  JSON: 'JSON',
  Geometry: 'Geometry',
  Timestamptz: 'Timestamptz',
  BinaryVector: 'BinaryVector',
  FloatVector: 'FloatVector',
  Float16Vector: 'Float16Vector',
  BFloat16Vector: 'BFloat16Vector',
  SparseFloatVector: 'SparseFloatVector',
  Int8Vector: 'Int8Vector',
  ArrayOfVector: 'ArrayOfVector',
  Struct: 'Struct',
} as const;
export type MilvusType = (typeof MilvusType)[keyof typeof MilvusType];

const VECTOR_TYPES: ReadonlySet<string> = new Set([
  MilvusType.BinaryVector,
  MilvusType.FloatVector,
  MilvusType.Float16Vector,
  MilvusType.BFloat16Vector,
  MilvusType.SparseFloatVector,
  MilvusType.Int8Vector,
]);

export function isVectorType(type: string): boolean {
  return VECTOR_TYPES.has(type);
}

export interface MilvusFieldView {
  readonly name: string;
  /** a MilvusType name; unknown future types keep the server's name */
  readonly dataType: MilvusType | string;
  readonly isPrimaryKey: boolean;
  readonly autoId: boolean;
  readonly dim?: number;
  readonly maxLength?: number;
  readonly maxCapacity?: number;
  /** Array fields; `Struct` for an array of structs */
  readonly elementType?: MilvusType | string;
  readonly nullable: boolean;
  /** undefined when the field has no default value */
  readonly defaultValue?: unknown;
  /** outputs of a collection function (BM25, embedding); never written */
  readonly isFunctionOutput: boolean;
  readonly isPartitionKey: boolean;
  /** sub-fields of an array of structs */
  readonly fields?: readonly MilvusFieldView[];
}

export interface CollectionSchemaView {
  readonly name: string;
  /** user fields in schema order, without the hidden dynamic field `$meta` */
  readonly fields: readonly MilvusFieldView[];
  readonly byName: ReadonlyMap<string, MilvusFieldView>;
  readonly primaryField: MilvusFieldView;
  readonly enableDynamicField: boolean;
  /** collection property allow_insert_auto_id=true: insert may carry the autoID primary key */
  readonly allowInsertAutoId: boolean;
  /** describeCollection's update timestamp, to notice schema changes */
  readonly updateTimestamp: string | undefined;
}

/** The Milvus name of the hidden JSON field that holds dynamic fields. */
export const DYNAMIC_FIELD_NAME = '$meta';

/** The parts of the SDK's FieldSchema (after its formatDescribedCol) this view reads. */
export interface DescribedField {
  name: string;
  data_type: string;
  element_type?: string;
  is_primary_key?: boolean;
  autoID?: boolean;
  nullable?: boolean;
  default_value?: unknown;
  is_function_output?: boolean;
  is_partition_key?: boolean;
  is_dynamic?: boolean;
  dim?: unknown;
  max_length?: unknown;
  max_capacity?: unknown;
  type_params?: readonly { key: string; value: unknown }[];
  fields?: readonly DescribedField[];
}

/** The parts of the SDK's DescribeCollectionResponse this view reads (structurally compatible with it). */
export interface DescribedCollection {
  collection_name?: string;
  schema: { name?: string; enable_dynamic_field?: boolean; fields: readonly DescribedField[] };
  properties?: readonly { key: string; value: unknown }[];
  update_timestamp_str?: string;
  update_timestamp?: number | string;
}

function typeParam(field: DescribedField, key: 'dim' | 'max_length' | 'max_capacity'): number | undefined {
  let raw = field[key];
  if (raw === undefined || raw === null || raw === '') raw = field.type_params?.find((p) => p.key === key)?.value;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function fieldView(field: DescribedField): MilvusFieldView {
  const view: {
    -readonly [K in keyof MilvusFieldView]: MilvusFieldView[K];
  } = {
    name: field.name,
    dataType: field.data_type,
    isPrimaryKey: field.is_primary_key === true,
    autoId: field.autoID === true,
    nullable: field.nullable === true,
    isFunctionOutput: field.is_function_output === true,
    isPartitionKey: field.is_partition_key === true,
  };
  const dim = typeParam(field, 'dim');
  if (dim !== undefined) view.dim = dim;
  const maxLength = typeParam(field, 'max_length');
  if (maxLength !== undefined) view.maxLength = maxLength;
  const maxCapacity = typeParam(field, 'max_capacity');
  if (maxCapacity !== undefined) view.maxCapacity = maxCapacity;
  if (field.element_type && field.element_type !== MilvusType.None) view.elementType = field.element_type;
  // the SDK unwraps the ValueField oneof; an absent default stays null/undefined
  if (field.default_value !== undefined && field.default_value !== null) view.defaultValue = field.default_value;
  if (field.fields && field.fields.length > 0) view.fields = field.fields.map(fieldView);
  return view;
}

/** Builds the view from `client.describeCollection(...)`'s response (status already checked by the caller). */
export function collectionSchemaFromDescribe(res: DescribedCollection): CollectionSchemaView {
  const fields = res.schema.fields.filter((f) => f.is_dynamic !== true && f.name !== DYNAMIC_FIELD_NAME).map(fieldView);
  const primaryField = fields.find((f) => f.isPrimaryKey);
  const name = res.collection_name ?? res.schema.name ?? '';
  if (!primaryField) throw new Error(`Collection ${name} has no primary key field in its schema`);
  const allow = res.properties?.find((p) => p.key === 'allow_insert_auto_id')?.value;
  const ts = res.update_timestamp_str ?? (res.update_timestamp === undefined ? undefined : String(res.update_timestamp));
  return {
    name,
    fields,
    byName: new Map(fields.map((f) => [f.name, f])),
    primaryField,
    enableDynamicField: res.schema.enable_dynamic_field === true,
    allowInsertAutoId: String(allow).toLowerCase() === 'true',
    updateTimestamp: ts === '' ? undefined : ts,
  };
}

/** `FloatVector, dim 8` / `VarChar, max_length 64` / `Array of Int32, max_capacity 10`: for error messages. */
export function describeFieldType(field: MilvusFieldView): string {
  const parts: string[] = [];
  if (field.dataType === MilvusType.Array && field.elementType) parts.push(`Array of ${field.elementType}`);
  else parts.push(field.dataType);
  if (field.dim !== undefined && isVectorType(field.dataType) && field.dataType !== MilvusType.SparseFloatVector) parts.push(`dim ${field.dim}`);
  if (field.maxLength !== undefined) parts.push(`max_length ${field.maxLength}`);
  if (field.maxCapacity !== undefined) parts.push(`max_capacity ${field.maxCapacity}`);
  return parts.join(', ');
}
