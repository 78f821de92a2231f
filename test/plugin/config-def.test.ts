import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConfigDef,
  ConfigError,
  ConfigType,
  Importance,
  Password,
  javaTrim,
  parseType,
  renderValue,
  Validators,
  type ConfigKey,
} from '../../src/plugin/index.js';

const key = (overrides: Partial<ConfigKey> & Pick<ConfigKey, 'name' | 'type'>): ConfigKey => ({
  importance: Importance.LOW,
  documentation: null,
  ...overrides,
});

function parseError(name: string, value: unknown, type: ConfigType): string {
  try {
    parseType(name, value, type);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.message;
  }
  assert.fail(`${String(value)} parsed as ${type}`);
}

describe('parseType (Kafka ConfigDef.parseType)', () => {
  test('strings are trimmed the Java way: chars up to U+0020 only', () => {
    assert.equal(javaTrim('\t\u0001 a b \n'), 'a b');
    assert.equal(javaTrim('\u00a0a\u00a0'), '\u00a0a\u00a0');
    assert.equal(parseType('k', '  v  ', ConfigType.STRING), 'v');
    assert.equal((parseType('k', ' s3cr3t ', ConfigType.PASSWORD) as Password).value, 's3cr3t');
  });

  test('integers: sign, digits, range per type; the message shows the value as given', () => {
    assert.equal(parseType('k', ' +42 ', ConfigType.INT), 42);
    assert.equal(parseType('k', '-32768', ConfigType.SHORT), -32768);
    assert.equal(parseType('k', '9007199254740993', ConfigType.LONG), 9007199254740992);
    assert.equal(parseError('k', '2147483648', ConfigType.INT), 'Invalid value 2147483648 for configuration k: Not a number of type INT');
    assert.equal(parseError('k', '32768', ConfigType.SHORT), 'Invalid value 32768 for configuration k: Not a number of type SHORT');
    assert.equal(parseError('k', '9223372036854775808', ConfigType.LONG), 'Invalid value 9223372036854775808 for configuration k: Not a number of type LONG');
    assert.equal(parseError('k', ' 1.5', ConfigType.INT), 'Invalid value  1.5 for configuration k: Not a number of type INT');
    assert.equal(parseError('k', '0x10', ConfigType.LONG), 'Invalid value 0x10 for configuration k: Not a number of type LONG');
  });

  test('doubles follow Double.parseDouble and render like Double.toString', () => {
    assert.equal(parseType('k', '1e3', ConfigType.DOUBLE), 1000);
    assert.equal(parseType('k', '2.5d', ConfigType.DOUBLE), 2.5);
    assert.ok(Number.isNaN(parseType('k', 'NaN', ConfigType.DOUBLE)));
    assert.equal(parseError('k', '0x10', ConfigType.DOUBLE), 'Invalid value 0x10 for configuration k: Not a number of type DOUBLE');
    assert.equal(parseError('k', '', ConfigType.DOUBLE), 'Invalid value  for configuration k: Not a number of type DOUBLE');
    assert.equal(renderValue(1, ConfigType.DOUBLE), '1.0');
    assert.equal(renderValue(0.5, ConfigType.DOUBLE), '0.5');
    assert.equal(renderValue(1e7, ConfigType.DOUBLE), '1.0E7');
    assert.equal(renderValue(0.0001, ConfigType.DOUBLE), '1.0E-4');
  });

  test('booleans are case-insensitive true/false only', () => {
    assert.equal(parseType('k', ' TRUE ', ConfigType.BOOLEAN), true);
    assert.equal(parseError('k', 'yes', ConfigType.BOOLEAN), 'Invalid value yes for configuration k: Expected value to be either true or false');
  });

  test('lists split on commas with surrounding whitespace; empty is []; trailing empties are kept', () => {
    assert.deepEqual(parseType('k', ' a , b,c ', ConfigType.LIST), ['a', 'b', 'c']);
    assert.deepEqual(parseType('k', '  ', ConfigType.LIST), []);
    assert.deepEqual(parseType('k', 'a,,b,', ConfigType.LIST), ['a', '', 'b', '']);
    assert.equal(renderValue(['a', 'b'], ConfigType.LIST), 'a,b');
  });

  test('classes resolve through the given resolver, to their full name', () => {
    const resolveClass = (c: string): string | undefined => (c === 'Json' ? 'org.example.JsonConverter' : undefined);
    assert.equal(parseType('k', ' Json ', ConfigType.CLASS, { resolveClass }), 'org.example.JsonConverter');
    assert.throws(
      () => parseType('k', 'Nope ', ConfigType.CLASS, { resolveClass }),
      new ConfigError('Invalid value Nope  for configuration k: Class Nope  could not be found.'),
    );
    assert.equal(parseType('k', ' Any ', ConfigType.CLASS), 'Any');
  });

  test('passwords render as [hidden], also in messages', () => {
    assert.equal(renderValue(new Password('x'), ConfigType.PASSWORD), '[hidden]');
    assert.equal(String(new Password('x')), '[hidden]');
    assert.equal(JSON.stringify({ p: new Password('x') }), '{"p":"[hidden]"}');
  });
});

describe('ConfigDef.validateAll (Kafka semantics)', () => {
  test('a parse failure leaves null and the validator still runs on it, adding its own error', () => {
    const def = new ConfigDef([key({ name: 'tasks.max', type: ConfigType.INT, defaultValue: 1, validator: Validators.atLeast(1) })]);
    const value = def.validateAll({ 'tasks.max': 'x' }).get('tasks.max')!;
    assert.equal(value.value, null);
    assert.deepEqual(value.errors, [
      'Invalid value x for configuration tasks.max: Not a number of type INT',
      'Invalid value null for configuration tasks.max: Value must be non-null',
    ]);
  });

  test('a missing required key is reported, and a validator that accepts null adds nothing', () => {
    const def = new ConfigDef([
      key({ name: 'name', type: ConfigType.STRING, validator: Validators.nonEmptyStringWithoutControlChars() }),
      key({ name: 'count', type: ConfigType.INT, validator: Validators.atLeast(0) }),
    ]);
    const values = def.validateAll({});
    assert.deepEqual(values.get('name')!.errors, ['Missing required configuration "name" which has no default value.']);
    assert.deepEqual(values.get('count')!.errors, [
      'Missing required configuration "count" which has no default value.',
      'Invalid value null for configuration count: Value must be non-null',
    ]);
  });

  test('absent optional keys take their parsed default; values come in definition order', () => {
    const def = new ConfigDef([
      key({ name: 'b', type: ConfigType.LIST, defaultValue: 'x, y' }),
      key({ name: 'a', type: ConfigType.BOOLEAN, defaultValue: true }),
    ]);
    const values = def.validateAll({});
    assert.deepEqual([...values.keys()], ['b', 'a']);
    assert.deepEqual(values.get('b')!.value, ['x', 'y']);
    assert.equal(values.get('a')!.value, true);
  });

  test('parse() throws the first error; defaults are checked against their validator at definition', () => {
    const def = new ConfigDef([key({ name: 'n', type: ConfigType.INT, defaultValue: 5, validator: Validators.between(1, 10) })]);
    assert.throws(() => def.parse({ n: '11' }), new ConfigError('Invalid value 11 for configuration n: Value must be no more than 10'));
    assert.equal(def.parse({}).getInt('n'), 5);
    assert.throws(
      () => new ConfigDef([key({ name: 'bad', type: ConfigType.INT, defaultValue: 0, validator: Validators.atLeast(1) })]),
      new ConfigError('Invalid value 0 for configuration bad: Value must be at least 1'),
    );
    assert.throws(() => new ConfigDef([key({ name: 'x', type: ConfigType.INT }), key({ name: 'x', type: ConfigType.INT })]), /defined twice/);
  });
});

describe('validators (Kafka messages and null handling)', () => {
  const run = (validator: (n: string, v: unknown) => void, value: unknown): string | null => {
    try {
      validator('k', value);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };

  test('NonEmptyStringWithoutControlChars: null passes, empty and ISO controls fail with code points listed', () => {
    const v = Validators.nonEmptyStringWithoutControlChars();
    assert.equal(run(v, null), null);
    assert.equal(run(v, ''), 'Invalid value  for configuration k: String may not be empty');
    assert.equal(
      run(v, 'a\u0000b\u009f'),
      'Invalid value a\u0000b\u009f for configuration k: String may not contain control sequences but had the following ASCII chars: 0, 159',
    );
    assert.equal(run(v, 'naïve 名前 🚀'), null);
  });

  test('NonEmptyString: null passes, only "" fails', () => {
    const v = Validators.nonEmptyString();
    assert.equal(run(v, null), null);
    assert.equal(run(v, ''), 'Invalid value  for configuration k: String must be non-empty');
  });

  test('ValidString is case-sensitive and lists the choices; null fails', () => {
    const v = Validators.oneOf('none', 'all');
    assert.equal(run(v, 'all'), null);
    assert.equal(run(v, 'ALL'), 'Invalid value ALL for configuration k: String must be one of: none, all');
    assert.equal(run(v, null), 'Invalid value null for configuration k: String must be one of: none, all');
  });

  test('CaseInsensitiveValidString lists the choices upper-cased', () => {
    const v = Validators.oneOfIgnoreCase('earliest', 'latest');
    assert.equal(run(v, 'LaTeSt'), null);
    assert.equal(run(v, 'x'), 'Invalid value x for configuration k: String must be one of (case insensitive): EARLIEST, LATEST');
  });

  test('Range: non-null, at least, no more than', () => {
    assert.equal(run(Validators.atLeast(1), 0), 'Invalid value 0 for configuration k: Value must be at least 1');
    assert.equal(run(Validators.between(1, 3), 4), 'Invalid value 4 for configuration k: Value must be no more than 3');
    assert.equal(run(Validators.between(1, 3), null), 'Invalid value null for configuration k: Value must be non-null');
  });

  test('ValidList, NonNull, ListSize and the regex validator', () => {
    assert.equal(run(Validators.validList('a', 'b'), ['a', 'c']), 'Invalid value c for configuration k: String must be one of: a, b');
    assert.equal(run(Validators.nonNull(), null), 'Invalid value null for configuration k: entry must be non null');
    assert.equal(run(Validators.listSize(1), ['a', 'b']), 'Invalid value [a, b] for configuration k: exceeds maximum list size of [1].');
    assert.equal(run(Validators.validRegex(), 'orders-.*'), null);
    assert.match(run(Validators.validRegex(), '(')!, /^Invalid value \( for configuration k: Invalid regex: /);
  });
});
