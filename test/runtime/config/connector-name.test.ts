import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectorName } from '../../../src/runtime/config/connector-name.js';
import { BadRequestError } from '../../../src/runtime/errors.js';

describe('connectorName', () => {
  test('trims leading and trailing spaces and keeps everything else', () => {
    assert.equal(connectorName('  padded '), 'padded');
    assert.equal(connectorName('a b'), 'a b');
    assert.equal(connectorName('café-日本-🚀'), 'café-日本-🚀');
    // not ISO controls, and not what Java's trim removes
    assert.equal(connectorName('\u00a0nbsp\u2028'), '\u00a0nbsp\u2028');
    assert.equal(connectorName(''), '');
  });

  test('refuses lone UTF-16 surrogates with a message that is itself valid text', () => {
    for (const name of ['rel_zomb_\ud800', '\udc00x', 'a\udbff\udbffb', 'z\ud83d']) {
      assert.throws(
        () => connectorName(name),
        (e: Error) => {
          assert.ok(e instanceof BadRequestError);
          assert.match(e.message, /lone UTF-16 surrogate/);
          assert.ok(e.message.isWellFormed());
          return true;
        },
        JSON.stringify(name),
      );
    }
  });

  test("refuses ISO control characters anywhere, the ends included, with Kafka's message for the name key", () => {
    const cases: Array<[string, string]> = [
      ['a\t', '9'],
      ['\ta', '9'],
      ['a\n', '10'],
      ['a\u0000', '0'],
      ['a\r\n', '13, 10'],
      ['a\u007f', '127'],
      ['a\u0085', '133'],
      ['\u009fa', '159'],
      ['a\u0007b', '7'],
      [' \t ', '9'],
    ];
    for (const [name, codes] of cases) {
      assert.throws(
        () => connectorName(name),
        new BadRequestError(
          `Invalid value ${name} for configuration name: String may not contain control sequences but had the following ASCII chars: ${codes}`,
        ),
        JSON.stringify(name),
      );
    }
  });
});
