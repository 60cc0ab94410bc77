import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeImage } from '../../test-support/fixtures';
import type { Dataset } from './dataset';
import { detectFormat } from './index-formats';
import { parseLabelList, vocColor } from './voc-labelmap';
import { readVoc, writeVoc, writeVocFiles } from './voc';

const tmp = tempDir('apprentice-voc-');
afterAll(() => tmp.cleanup());

function put(root: string, files: Record<string, string>): void {
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
}

// As Datumaro (and CVAT's "PASCAL VOC 1.1" export, which is Datumaro) writes it: lxml pretty print,
// no declaration, floats as str(float), truncated/occluded/difficult always, parts nested, actions.
const DATUMARO = {
  'labelmap.txt': '# label:color_rgb:parts:actions\nbackground:0,0,0::\nperson:192,128,128:head,hand,foot:jumping,phoning\ncat:64,0,0::\ndog:64,0,128::\n',
  'ImageSets/Main/train.txt': 'a\nb\n',
  'ImageSets/Main/val.txt': 'c\n',
  'ImageSets/Main/default.txt': 'd\n',
  'Annotations/a.xml': `<annotation>
  <folder></folder>
  <filename>a.jpg</filename>
  <source>
    <database>Unknown</database>
    <annotation>Unknown</annotation>
    <image>Unknown</image>
  </source>
  <size>
    <width>40</width>
    <height>30</height>
    <depth>3</depth>
  </size>
  <segmented>0</segmented>
  <object>
    <name>person</name>
    <truncated>1</truncated>
    <occluded>1</occluded>
    <difficult>0</difficult>
    <bndbox>
      <xmin>4.0</xmin>
      <ymin>3.0</ymin>
      <xmax>20.0</xmax>
      <ymax>27.0</ymax>
    </bndbox>
    <part>
      <name>head</name>
      <bndbox>
        <xmin>8.0</xmin>
        <ymin>3.0</ymin>
        <xmax>14.0</xmax>
        <ymax>9.0</ymax>
      </bndbox>
    </part>
    <part>
      <name>hand</name>
      <bndbox>
        <xmin>4.0</xmin>
        <ymin>12.0</ymin>
        <xmax>6.5</xmax>
        <ymax>15.0</ymax>
      </bndbox>
    </part>
    <actions>
      <jumping>1</jumping>
      <phoning>0</phoning>
    </actions>
  </object>
  <object>
    <name>cat</name>
    <pose>Left</pose>
    <truncated>0</truncated>
    <occluded>0</occluded>
    <difficult>1</difficult>
    <bndbox>
      <xmin>20.0</xmin>
      <ymin>10.0</ymin>
      <xmax>40.0</xmax>
      <ymax>30.0</ymax>
    </bndbox>
    <attributes>
      <attribute>
        <name>color</name>
        <value>tabby</value>
      </attribute>
    </attributes>
  </object>
</annotation>
`,
  'Annotations/c.xml': `<annotation>
  <folder></folder>
  <filename>c.jpg</filename>
  <source>
    <database>Unknown</database>
    <annotation>Unknown</annotation>
    <image>Unknown</image>
  </source>
  <size>
    <width>20</width>
    <height>10</height>
    <depth>3</depth>
  </size>
  <segmented>0</segmented>
</annotation>
`,
  'Annotations/d.xml': `<annotation>
  <folder></folder>
  <filename>d.jpg</filename>
  <size>
    <width>20</width>
    <height>10</height>
    <depth>3</depth>
  </size>
  <segmented>0</segmented>
  <object>
    <name>dog</name>
    <truncated>0</truncated>
    <occluded>0</occluded>
    <difficult>0</difficult>
    <bndbox>
      <xmin>1.0</xmin>
      <ymin>1.0</ymin>
      <xmax>5.0</xmax>
      <ymax>5.0</ymax>
    </bndbox>
  </object>
</annotation>
`,
};

describe('Pascal VOC as Datumaro writes it', () => {
  const root = join(tmp.dir, 'datumaro');

  it('reads labelmap order (background left out, parts as classes), flags, pose, parts, actions, attributes', async () => {
    put(root, DATUMARO);
    await writeImage(join(root, 'JPEGImages/a.jpg'), 1, { width: 40, height: 30 });
    await writeImage(join(root, 'JPEGImages/c.jpg'), 2, { width: 20, height: 10 });
    expect(await detectFormat(root)).toBe('voc');
    const r = await readVoc(root);
    expect(r.dataset.classes).toEqual(['person', 'cat', 'dog', 'head', 'hand', 'foot']);
    expect(r.dataset.images.map((i) => [i.file, i.split, i.width, i.height])).toEqual([
      ['JPEGImages/a.jpg', 'train', 40, 30],
      ['JPEGImages/c.jpg', 'val', 20, 10],
    ]);
    expect(r.dataset.images[0]!.annotations).toEqual([
      {
        kind: 'box', classIndex: 0, x: 0.1, y: 0.1, w: 0.4, h: 0.8, truncated: true, occluded: true, difficult: false,
        attributes: { 'action.jumping': true, 'action.phoning': false }, group: 1,
      },
      { kind: 'box', classIndex: 3, x: 0.2, y: 0.1, w: 0.15, h: 0.2, group: 1 },
      { kind: 'box', classIndex: 4, x: 0.1, y: 0.4, w: 2.5 / 40, h: 0.1, group: 1 },
      { kind: 'box', classIndex: 1, x: 0.5, y: 1 / 3, w: 0.5, h: 2 / 3, truncated: false, occluded: false, difficult: true, attributes: { pose: 'Left', color: 'tabby' } },
    ]);
    expect(r.errors).toEqual([
      { file: join(root, 'ImageSets/Main/train.txt'), where: 'line 2', reason: '"b" is listed but has no Annotations/b.xml; it is not imported' },
      {
        file: join(root, 'Annotations/d.xml'), where: 'line 3:3',
        reason: 'the image "d.jpg" is not found in JPEGImages/, beside the XML or at the root; its 1 object(s) are not imported',
      },
    ].sort((a, b) => a.file.localeCompare(b.file)));
  });

  it('read -> write -> read keeps images, classes, boxes, flags, parts and actions; writes labelmap.txt', async () => {
    const r1 = await readVoc(root);
    const out = join(tmp.dir, 'datumaro-out');
    const w = await writeVocFiles(r1.dataset, out);
    expect(w.skipped).toEqual([]);
    expect(w.converted).toBeUndefined();
    for (const p of w.images) {
      const img = r1.dataset.images.find((i) => i.file === p.file)!;
      await writeImage(join(out, p.to), 3, { width: img.width, height: img.height });
    }
    expect(readFileSync(join(out, 'labelmap.txt'), 'utf8')).toBe(
      '# label:color_rgb:parts:actions\nbackground:0,0,0::\nperson:128,0,0:head,hand:jumping,phoning\ncat:0,128,0::\ndog:128,128,0::\nfoot:0,0,128::\n',
    ); // "foot" has no box to say it is a part: it is written as a class of its own
    const xml = readFileSync(join(out, 'Annotations/a.xml'), 'utf8');
    expect(xml).toMatch(/<occluded>1<\/occluded>\s*<difficult>0<\/difficult>\s*<bndbox>[\s\S]*?<\/bndbox>\s*<part>\s*<name>head<\/name>/);
    expect(xml).toMatch(/<actions>\s*<jumping>1<\/jumping>\s*<phoning>0<\/phoning>\s*<\/actions>/);
    expect(xml).toContain('<pose>Left</pose>');
    const r2 = await readVoc(out);
    expect(r2.errors).toEqual([]);
    expect(r2.dataset.classes).toEqual(r1.dataset.classes);
    expect(r2.dataset.images.map((i) => [i.file, i.split])).toEqual(r1.dataset.images.map((i) => [i.file, i.split]));
    r2.dataset.images.forEach((img, k) => {
      const want = r1.dataset.images[k]!.annotations;
      expect(img.annotations.map((a) => ({ ...a, x: 0, y: 0, w: 0, h: 0 }))).toEqual(want.map((a) => ({ ...a, x: 0, y: 0, w: 0, h: 0 })));
      img.annotations.forEach((a, j) => {
        const b = want[j]!;
        if (a.kind !== 'box' || b.kind !== 'box') throw new Error('boxes expected');
        for (const key of ['x', 'y', 'w', 'h'] as const) expect(a[key]).toBeCloseTo(b[key], 3);
      });
    });
    // Without labels.txt (Datumaro reads labelmap.txt only), the same classes come back, parts after the labels.
    expect(parseLabelList(readFileSync(join(out, 'labelmap.txt'), 'utf8'))).toEqual(['person', 'cat', 'dog', 'foot', 'head', 'hand']);
  });
});

// As the VOC2012 devkit ships them: tabs, children in alphabetical order, xmax before xmin.
const DEVKIT_XML = `<annotation>
\t<filename>2007_000027.jpg</filename>
\t<folder>VOC2012</folder>
\t<object>
\t\t<name>person</name>
\t\t<part>
\t\t\t<name>head</name>
\t\t\t<bndbox>
\t\t\t\t<xmax>252</xmax>
\t\t\t\t<xmin>191</xmin>
\t\t\t\t<ymax>168</ymax>
\t\t\t\t<ymin>107</ymin>
\t\t\t</bndbox>
\t\t</part>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmax>349</xmax>
\t\t\t<xmin>174</xmin>
\t\t\t<ymax>351</ymax>
\t\t\t<ymin>101</ymin>
\t\t</bndbox>
\t</object>
\t<segmented>0</segmented>
\t<size>
\t\t<depth>3</depth>
\t\t<height>500</height>
\t\t<width>486</width>
\t</size>
\t<source>
\t\t<annotation>PASCAL VOC2007</annotation>
\t\t<database>The VOC2007 Database</database>
\t\t<image>flickr</image>
\t</source>
</annotation>
`;

describe('Pascal VOC as the VOC2012 devkit ships it', () => {
  it('reads the person layout: "Unspecified" pose is no attribute, the part shares a group', async () => {
    const root = join(tmp.dir, 'devkit');
    put(root, { 'Annotations/2007_000027.xml': DEVKIT_XML, 'ImageSets/Main/trainval.txt': '2007_000027\n' });
    await writeImage(join(root, 'JPEGImages/2007_000027.jpg'), 4, { width: 486, height: 500 });
    const r = await readVoc(root);
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['person', 'head']);
    expect(r.dataset.images).toEqual([
      {
        file: 'JPEGImages/2007_000027.jpg', width: 486, height: 500,
        annotations: [
          { kind: 'box', classIndex: 0, x: 174 / 486, y: 101 / 500, w: 175 / 486, h: 250 / 500, truncated: false, difficult: false, group: 1 },
          { kind: 'box', classIndex: 1, x: 191 / 486, y: 107 / 500, w: 61 / 486, h: 61 / 500, group: 1 },
        ],
      },
    ]);
  });
});

describe('Pascal VOC export of what is not a box', () => {
  it('polygons and masks as their bounding boxes (converted), polylines, points and tags skipped with the reason', () => {
    const d: Dataset = {
      classes: ['road', 'car', 'sky'],
      images: [
        {
          file: 'x.png', width: 10, height: 4,
          annotations: [
            { kind: 'polygon', classIndex: 1, points: [[0.1, 0.25], [0.5, 0.5], [0.3, 1]], difficult: true },
            { kind: 'polygon', classIndex: 1, points: [[0, 0], [1, 0], [1, 0.5]] },
            // Column-major over 10x4: pixels (2,1),(2,2) then (3,3): a box x 2..4, y 1..4.
            { kind: 'mask', classIndex: 2, mask: { counts: [9, 2, 4, 1, 24], width: 10, height: 4 }, occluded: true },
            { kind: 'polyline', classIndex: 0, points: [[0, 0], [1, 1]] },
            { kind: 'points', classIndex: 0, points: [[0.5, 0.5]] },
            { kind: 'tag', classIndex: 0 },
          ],
        },
      ],
    };
    const w = writeVoc(d);
    expect(w.converted).toEqual([
      { file: 'x.png', where: '', reason: '2 polygons written as their bounding boxes' },
      { file: 'x.png', where: '', reason: '1 mask written as its bounding box' },
    ]);
    expect(w.skipped).toEqual([
      { file: 'x.png', where: '', reason: 'Pascal VOC holds boxes; a polyline is not written' },
      { file: 'x.png', where: '', reason: 'Pascal VOC holds boxes; a points is not written' },
      { file: 'x.png', where: '', reason: 'Pascal VOC holds boxes; a tag is not written' },
    ]);
    const xml = w.files.find((f) => f.path === 'Annotations/x.xml')!.content;
    const boxes = [...xml.matchAll(/<name>(\w+)<\/name>[\s\S]*?<xmin>([\d.]+)<\/xmin>\s*<ymin>([\d.]+)<\/ymin>\s*<xmax>([\d.]+)<\/xmax>\s*<ymax>([\d.]+)<\/ymax>/g)];
    expect(boxes.map((m) => m.slice(1).join(' '))).toEqual(['car 1 1 5 4', 'car 0 0 10 2', 'sky 2 1 4 4']);
    expect(xml).toMatch(/<name>car<\/name>\s*<pose>Unspecified<\/pose>\s*<truncated>0<\/truncated>\s*<difficult>1<\/difficult>/);
    expect(xml).toMatch(/<name>sky<\/name>\s*<pose>Unspecified<\/pose>\s*<truncated>0<\/truncated>\s*<occluded>1<\/occluded>/);
  });

  it('labelmap colours are the VOC palette', () => {
    expect([0, 1, 2, 15].map(vocColor)).toEqual([[0, 0, 0], [128, 0, 0], [0, 128, 0], [192, 128, 128]]);
  });
});
