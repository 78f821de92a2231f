/** SimpleDateFormat in UTC, checked against java.text.SimpleDateFormat (Kafka's JVM) for these patterns. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectDateText, DateParseError, DatePatternError, SimpleDateFormat } from '../../../src/transforms/util/simple-date-format.js';

const at = new Date(Date.UTC(2024, 1, 29, 13, 5, 9, 7)); // a Thursday

describe('SimpleDateFormat', () => {
  it('formats every field the way Java does', () => {
    const cases: Array<[string, string]> = [
      ['yyyy-MM-dd', '2024-02-29'],
      ["yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2024-02-29T13:05:09.007Z'],
      ['yyyyMMdd', '20240229'],
      ['yy/M/d H:m:s.S', '24/2/29 13:5:9.7'],
      ['EEE, d MMM yyyy hh:mm a', 'Thu, 29 Feb 2024 01:05 PM'],
      ['EEEE MMMM', 'Thursday February'],
      ['D w u k K z Z X G', '60 9 4 13 1 UTC +0000 Z AD'],
      ["'it''s' yyyy", "it's 2024"],
    ];
    for (const [pattern, expected] of cases) assert.equal(new SimpleDateFormat(pattern).format(at), expected, pattern);
  });

  it('parses leniently: digits beyond the pattern width, rollover, text after the last field, zones', () => {
    const parse = (pattern: string, text: string) => new SimpleDateFormat(pattern).parse(text).toISOString();
    assert.equal(parse('yyyy-MM-dd', '2024-02-29'), '2024-02-29T00:00:00.000Z');
    assert.equal(parse('yyyyMMdd', '20240229'), '2024-02-29T00:00:00.000Z');
    assert.equal(parse('yyyy-MM-dd', '2024-13-01'), '2025-01-01T00:00:00.000Z');
    assert.equal(parse('yyyy-MM-dd', '2024-02-29T10:00'), '2024-02-29T00:00:00.000Z');
    assert.equal(parse('yyyy MM dd HH mm ss SSS z', '1970 01 02 00 00 01 234 UTC'), '1970-01-02T00:00:01.234Z');
    assert.equal(parse("yyyy-MM-dd'T'HH:mm:ssX", '2024-02-29T13:05:09+02:00'), '2024-02-29T11:05:09.000Z');
    assert.equal(parse('dd MMM yyyy hh:mm a', '29 feb 2024 01:05 pm'), '2024-02-29T13:05:00.000Z');
    assert.equal(parse('D yyyy', '60 2024'), '2024-02-29T00:00:00.000Z');
  });

  it('refuses a pattern letter Java does not know, and text that does not fit', () => {
    assert.throws(() => new SimpleDateFormat('bad-format-pattern'), new DatePatternError("Illegal pattern character 'b'"));
    assert.throws(() => new SimpleDateFormat("'open"), DatePatternError);
    assert.throws(() => new SimpleDateFormat('yyyy-MM-dd').parse('2024/02/29'), new DateParseError('Unparseable date: "2024/02/29"'));
  });

  it("Kafka's Values.dateFormatFor: a time, a date or a timestamp by the millis", () => {
    assert.equal(connectDateText(new Date(3_600_000)), '01:00:00.000Z');
    assert.equal(connectDateText(new Date(86_400_000)), '1970-01-02');
    assert.equal(connectDateText(new Date(86_400_001)), '1970-01-02T00:00:00.001Z');
  });
});
