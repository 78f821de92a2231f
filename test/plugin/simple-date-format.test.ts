/** SimpleDateFormat in UTC, checked against java.text.SimpleDateFormat (a Java 21+ JVM, en_US) for these patterns. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectDateText, DateParseError, DatePatternError, SimpleDateFormat } from '../../src/plugin/index.js';

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

  it('reads week-based fields and resolves them as a lenient GregorianCalendar does: the latest complete group wins', () => {
    // expected: java.text.SimpleDateFormat in UTC with US weeks (Sunday first, week 1 holds January 1st)
    const parse = (pattern: string, text: string) => new SimpleDateFormat(pattern).parse(text).toISOString().slice(0, 10);
    const cases: Array<[string, string, string]> = [
      ['YYYY ww E', '2024 10 Mon', '2024-03-04'],
      ['YYYY ww u', '2024 1 7', '2023-12-31'], // u=7 is Sunday, week 1 of 2024 starts on Sunday 31 December 2023
      ['YYYY ww u', '2024 1 9', '2024-01-09'], // a day of week beyond the week moves into the next one
      ['YYYY-ww', '2020-53', '2020-12-27'],
      ['YYYY', '2021', '2020-12-27'],
      ['yyyy YYYY', '2020 2021', '2020-12-27'], // the week year, set last, makes a week date
      ['YYYY yyyy', '2020 2021', '2021-01-01'], // the calendar year, set last, wins
      ['yyyy MM W E', '2024 02 3 Tue', '2024-02-13'],
      ['yyyy MM F E', '2024 02 -1 Fri', '2024-02-23'], // the last Friday of February
      ['yyyy MM E', '2024 02 Wed', '2024-02-07'], // a day of week alone: its first in the month
      ['yyyy MM dd E', '2024 02 29 Mon', '2024-02-29'], // the day of week does not complete a group: the day of month wins
      ['yyyy w E', '2024 5 Sat', '2024-02-03'],
      ['yyyy E D', '2024 Mon 60', '2024-02-29'],
    ];
    for (const [pattern, text, expected] of cases) assert.equal(parse(pattern, text), expected, `${pattern} ← ${text}`);
  });

  it('resolves hours and zones as Java does: the latest of HOUR_OF_DAY and HOUR with AM_PM; X takes only what its width says', () => {
    const parse = (pattern: string, text: string) => new SimpleDateFormat(pattern).parse(text).toISOString();
    assert.equal(parse('hh a HH', '11 PM 05'), '1970-01-01T05:00:00.000Z');
    assert.equal(parse('kk', '25'), '1970-01-02T01:00:00.000Z', 'lenient: hour 25 rolls into the next day');
    assert.equal(parse('yyyy XXX', '2024 +05:30'), '2023-12-31T18:30:00.000Z');
    assert.equal(parse('yyyy X', '2024 +0530'), '2023-12-31T19:00:00.000Z', 'X reads hours only');
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
