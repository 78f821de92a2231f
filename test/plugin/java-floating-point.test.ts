/** Double.parseDouble and Float.parseFloat; every expected value was read from a JVM for the same text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJavaDouble, parseJavaFloat } from '../../src/plugin/index.js';

const FLOAT_MAX = 3.4028234663852886e38;
const nextFloatAfterOne = 1.0000001192092896;

describe('parseJavaDouble / parseJavaFloat (Java 17 readJavaFormatString)', () => {
  it('takes what Java takes: surrounding control characters and spaces, signs, suffixes, NaN and Infinity', () => {
    const cases: Array<[string, number]> = [
      [' 1.5e3d ', 1500],
      ['\t-2.5f\n', -2.5],
      ['+.5', 0.5],
      ['1.', 1],
      ['00012.5000', 12.5],
      ['1E5D', 100000],
      ['-0', -0],
      ['1e400', Infinity],
      ['1e-400', 0],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
      ['-NaN', Number.NaN],
    ];
    for (const [text, expected] of cases) {
      assert.equal(parseJavaDouble(text), expected, JSON.stringify(text));
      assert.equal(parseJavaFloat(text), Math.fround(expected), JSON.stringify(text));
    }
  });

  it('reads hexadecimal significands with their binary exponent', () => {
    assert.equal(parseJavaDouble('0x1.8p1'), 3);
    assert.equal(parseJavaDouble('0X1P-2'), 0.25);
    assert.equal(parseJavaDouble('-0x.8p1'), -1);
    assert.equal(parseJavaDouble('0x1.p1f'), 2);
    assert.equal(parseJavaDouble('0x123456789abcdef0123p-12'), 1311768467463790300);
  });

  it('rounds hexadecimal values once, to the nearest with ties to even, through subnormals and overflow', () => {
    assert.equal(parseJavaDouble('0x1p-1075'), 0, 'half the smallest subnormal ties to zero');
    assert.equal(parseJavaDouble('0x1.0000000000001p-1075'), Number.MIN_VALUE, 'just above half');
    assert.equal(parseJavaDouble('0x1.fffffffffffff7ffp1023'), Number.MAX_VALUE);
    assert.equal(parseJavaDouble('0x1.fffffffffffff8p1023'), Infinity, 'rounds up past the largest double');
    assert.equal(parseJavaFloat('0x1.0000010000001p0'), nextFloatAfterOne);
    assert.equal(parseJavaFloat('0x1.ffffffp127'), Infinity);
    assert.equal(parseJavaFloat('0x1p-150'), 0);
    assert.equal(parseJavaFloat('0x1.000001p-150'), Math.fround(1.401298464324817e-45));
  });

  it('rounds decimal text to a float directly, not through the double nearest to it', () => {
    // the nearest double to this text is exactly halfway between 1 and the next float
    assert.equal(parseJavaFloat('1.00000005960464477539062501'), nextFloatAfterOne);
    assert.equal(parseJavaFloat('1.000000059604644775390625'), 1, 'an exact tie goes to the even float');
    assert.equal(parseJavaFloat('3.4028235677973366e38'), FLOAT_MAX);
    assert.equal(parseJavaFloat('3.40282356779733661637539395458142568448e38'), Infinity);
  });

  it('refuses what Java refuses (NumberFormatException)', () => {
    for (const text of ['', ' ', '.', 'e3', '1e', '1e+', '1_0', 'nan', 'infinity', 'Infinityd', 'NaNf', '0x1.8', '0xp1', '0x.p1', '0x', 'x1p1', '1d5']) {
      assert.equal(parseJavaDouble(text), undefined, JSON.stringify(text));
      assert.equal(parseJavaFloat(text), undefined, JSON.stringify(text));
    }
  });
});
