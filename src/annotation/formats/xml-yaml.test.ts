import { describe, expect, it } from 'vitest';
import { parseXml, writeXml, XmlError } from './xml';
import { readYaml } from './yaml-doc';

function xmlError(text: string): XmlError {
  try {
    parseXml(text);
  } catch (err) {
    expect(err).toBeInstanceOf(XmlError);
    return err as XmlError;
  }
  throw new Error('expected an XmlError');
}

describe('xml reader', () => {
  it('reads elements, attributes, text, entities, CDATA, comments and the declaration', () => {
    const root = parseXml(
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<!-- c -->\n<a x="1 &amp; 2" y=\'&quot;q&apos;\'>\n' +
        '  <b>&lt;tag&gt; &#65;&#x42;</b><!-- inside --><c/><b><![CDATA[<raw & text>]]></b>\n</a>\n<!-- after -->\n',
    );
    expect(root.name).toBe('a');
    expect(root.attrs.get('x')).toBe('1 & 2');
    expect(root.attrs.get('y')).toBe('"q\'');
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c', 'b']);
    expect(root.children[0]!.text).toBe('<tag> AB');
    expect(root.children[2]!.text).toBe('<raw & text>');
    expect([root.children[1]!.line, root.children[1]!.column]).toEqual([4, 48]);
  });

  it.each([
    ['<a><b></a>', 1, 7, '</a> does not match <b>'],
    ['<a>\n  &nbsp;</a>', 2, 3, 'unknown entity'],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', 1, 1, 'DOCTYPE'],
    ['<a x="1" x="2"/>', 1, 10, 'duplicate attribute'],
    ['<a>\n<b>\n', 2, 1, 'never closed'],
    ['<a x=1/>', 1, 6, 'quotes'],
    ['<a/><b/>', 1, 5, 'after the root'],
    ['<a>&#0;</a>', 1, 4, 'unknown entity'],
    ['  ', 1, 3, 'empty'],
    ['<a>x & y</a>', 1, 6, 'does not start an entity'],
    ['<a><?xml version="1.0"?></a>', 1, 4, 'must come first'],
    ['<a>\r\n <b>\r\n</a>', 3, 1, '</a> does not match <b> opened at line 2:2'],
    ['<a><!-- x </a>', 1, 4, 'comment is not closed'],
    ['<a><![CDATA[ x </a>', 1, 4, 'CDATA section is not closed'],
    ['hello<a/>', 1, 6, 'text before the root'],
    ['</a>', 1, 1, 'closes no open element'],
    ['<a x="a<b"/>', 1, 8, '"<" inside an attribute value'],
    ['<a>\u0001</a>', 1, 4, 'U+0001 is not allowed'],
    ['<a x="&foo;"/>', 1, 7, 'unknown entity "&foo;"'],
  ])('rejects %j at line:column with a reason', (text, line, column, reason) => {
    const e = xmlError(text);
    expect(e.reason).toContain(reason);
    expect([e.line, e.column]).toEqual([line, column]);
  });

  it('reads CRLF files, a BOM, entities in attributes and CDATA with markup as CVAT and Datumaro write them', () => {
    const root = parseXml('\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<annotations>\r\n  <image name="a &amp; b.jpg" note="x&#10;y"/>\r\n  <svg><![CDATA[<line x1="1"/>]]></svg>\r\n</annotations>\r\n');
    expect(root.children.map((c) => [c.name, c.line, c.column])).toEqual([['image', 3, 3], ['svg', 4, 3]]);
    expect(root.children[0]!.attrs.get('name')).toBe('a & b.jpg');
    expect(root.children[0]!.attrs.get('note')).toBe('x\ny');
    expect(root.children[1]!.text).toBe('<line x1="1"/>');
  });

  it('stops at absurd nesting instead of overflowing the stack', () => {
    expect(xmlError('<a>'.repeat(5000)).reason).toContain('nested');
  });

  it('writes what it reads back, escaping text and attributes', () => {
    const nasty = 'a<b>&"c\' \n\t';
    const text = writeXml({ name: 'r', attrs: [['k', nasty]], children: [{ name: 't', text: nasty }, { name: 'e' }] });
    expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<r k=')).toBe(true);
    const back = parseXml(text);
    expect(back.attrs.get('k')).toBe(nasty);
    expect(back.children[0]!.text).toBe(nasty);
  });
});

describe('yaml reader (the yaml package)', () => {
  it('reads block and flow forms, quoted keys, anchors and comments, and says where each key is', () => {
    const doc = readYaml(
      '# Ultralytics data.yaml\npath: ../data # root\ntrain: [images/train, "more"]\nval: images/val\nnc: 2\nnames:\n- person\n- "bi: cycle"\n' +
        'download: |\n  import x\n  x.run()\nother: &o\n  deep:\n    - 1\ncopy: *o\n"quoted key": {0: a, 2: b}\n',
    );
    expect(doc.errors).toEqual([]);
    expect(doc.value).toEqual({
      path: '../data',
      train: ['images/train', 'more'],
      val: 'images/val',
      nc: 2,
      names: ['person', 'bi: cycle'],
      download: 'import x\nx.run()\n',
      other: { deep: [1] },
      copy: { deep: [1] },
      'quoted key': { 0: 'a', 2: 'b' },
    });
    expect([doc.lineOf('path'), doc.lineOf('names'), doc.lineOf('names', 1), doc.lineOf('quoted key', 2), doc.lineOf('nope')]).toEqual([2, 6, 8, 16, 0]);
    expect(readYaml("names:\n  0: 'it''s'\n  1: \"tab\\there \\u00e9\"\n").value).toEqual({ names: { 0: "it's", 1: 'tab\there é' } });
  });

  it.each([
    ['names:\n  0: a\n x: 1\nnc: [1', 3, 'same column'],
    ['nc: 1\nnc: 2', 2, 'unique'],
    ['names: "open', 1, 'quote'],
    ['a: 1\n\tb: 2', 2, 'Tabs'],
    ['a: b\n---\nc: d\n', 2, 'multiple documents'],
  ])('reports %j at its line without throwing', (text, line, reason) => {
    const doc = readYaml(text);
    expect(doc.errors[0]!.line).toBe(line);
    expect(doc.errors[0]!.reason).toContain(reason);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const doc = readYaml(bomb);
    expect(doc.value).toBeUndefined();
    expect(doc.errors[0]!.reason).toMatch(/alias/i);
  });
});
