// The box CSV (annotation/formats) and the labels CSV of an image import (media/csv.ts) read one
// file the same way: one parser (csv-parse) for quotes, commas and newlines in quoted fields,
// CRLF, a BOM, and the line each record starts on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/fixtures';
import { readLabelsCsv } from '../../media/csv';
import { csvField, csvRecords } from '../../media/csv-records';
import type { ImportError } from '../../api/types';
import { parseBoxCsv } from './csv-boxes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

// As Excel writes it on Windows: a BOM, CRLF, a quoted name with a comma, a quoted label with a
// newline inside (lines 3-4), a doubled quote, then a broken quote on line 6.
const TEXT =
  '\uFEFFpath,label,split\r\n' +
  '"shots/a, b.jpg",cat,train\r\n' +
  'c.jpg,"two\r\nlines",val\r\n' +
  '"say ""cheese"".jpg",dog,\r\n' +
  'bad.jpg,do"g,\r\n' +
  'last.jpg,cat,test\r\n';

describe('one CSV parser for every CSV layout', () => {
  it('records carry the line they start on; a broken record is reported and the rest read', () => {
    const { records, errors } = csvRecords(TEXT);
    expect(records).toEqual([
      { line: 1, cells: ['path', 'label', 'split'] },
      { line: 2, cells: ['shots/a, b.jpg', 'cat', 'train'] },
      { line: 3, cells: ['c.jpg', 'two\r\nlines', 'val'] },
      { line: 5, cells: ['say "cheese".jpg', 'dog', ''] },
      { line: 7, cells: ['last.jpg', 'cat', 'test'] },
    ]);
    expect(errors).toEqual([{ line: 6, reason: 'a quote inside an unquoted field (quote the whole field: "a ""b"" c")' }]);
    expect(csvRecords('a,"open\nb,c\n').errors).toEqual([{ line: 1, reason: 'a quoted field is never closed (the rest of the file is inside it, so it is not read)' }]);
  });

  it('the labels CSV and the box CSV read the same file alike', async () => {
    const t = tempDir('apprentice-csv-');
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'labels.csv');
    writeFileSync(file, TEXT);
    const errors: ImportError[] = [];
    const labels = await readLabelsCsv(file, errors);
    expect(labels.map((c) => [c.path, c.className, c.split])).toEqual([
      [join(t.dir, 'shots/a, b.jpg'), 'cat', 'train'],
      [join(t.dir, 'c.jpg'), 'two\r\nlines', 'val'],
      [join(t.dir, 'say "cheese".jpg'), 'dog', undefined],
      [join(t.dir, 'last.jpg'), 'cat', 'test'],
    ]);
    expect(errors).toEqual([{ path: `${file}:6`, reason: expect.stringContaining('quote inside an unquoted field') }]);

    const boxes = parseBoxCsv(TEXT, file);
    expect(boxes.dataset.images.map((i) => [i.file, boxes.dataset.classes[i.annotations[0]?.classIndex ?? -1], i.split])).toEqual([
      ['shots/a, b.jpg', 'cat', 'train'],
      ['c.jpg', 'two\r\nlines', 'val'],
      ['say "cheese".jpg', 'dog', undefined],
      ['last.jpg', 'cat', 'test'],
    ]);
    expect(boxes.errors).toEqual([{ file, where: 'line 6', reason: expect.stringContaining('quote inside an unquoted field') }]);
  });

  it('the labels CSV names a row with box columns instead of dropping them silently', async () => {
    const t = tempDir('apprentice-csv-');
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'boxes.csv');
    writeFileSync(file, 'a.jpg,cat,1,2,3,4\n');
    const errors: ImportError[] = [];
    expect(await readLabelsCsv(file, errors)).toEqual([]);
    expect(errors).toEqual([{ path: `${file}:1`, reason: '6 values: a labels CSV is path,label[,split] (boxes are read by the box CSV format)' }]);
  });

  it('fields are quoted when a reader would otherwise change them', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded '].map(csvField)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '" padded "']);
    const back = csvRecords(['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded '].map(csvField).join(',')).records[0]!.cells;
    expect(back).toEqual(['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded ']);
  });
});

describe('line numbers after odd records', () => {
  it.each([
    // csv-parse reads on inside the quote after text follows a closing one: the rest is lost, and said so.
    ['a,"b"x,1\nc,d\n', [1, 1]],
    ['a,b"c\nd,e\nf"g\nh\n', [1, 3]],
    ['a\n\n"x\r\n\r\ny",z\r\nb"q,1\r\nlast\r\n', [6]],
    ['a\r\n\r\n"x\r\n\r\ny",z\r\nb"q,1\r\nlast\r\n', [6]],
  ])('%j: a broken record is named once, by the line it starts on', (text, lines) => {
    expect(csvRecords(text).errors.map((e) => e.line)).toEqual(lines);
  });

  it('a multi-line CRLF record and the records after it keep their lines, mixed line endings too', () => {
    expect(csvRecords('a\n\n"x\r\n\r\ny",z\r\nb"q,1\r\nlast\r\n').records.map((r) => r.line)).toEqual([1, 3, 7]);
    expect(csvRecords('\uFEFFé,"x\ry"\rlast').records.map((r) => r.line)).toEqual([1, 3]);
    expect(csvRecords('a\r\n\r\n"x\r\n\r\ny",z\r\nb"q,1\r\nlast\r\n').records.map((r) => r.line)).toEqual([1, 3, 7]);
  });
});
