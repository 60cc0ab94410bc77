import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeImage } from '../../test-support/fixtures';
import { parseCvat, readCvat } from './cvat';
import { cvatRleToCoco } from './cvat-rle';
import { detectFormat } from './index-formats';
import type { RleMask } from './dataset';

const tmp = tempDir('apprentice-cvat-');
afterAll(() => tmp.cleanup());

/** The pixels a COCO uncompressed RLE (column-major, background first) sets, as "x,y". */
function pixelsOf(m: RleMask): string[] {
  const out: string[] = [];
  let at = 0;
  m.counts.forEach((n, i) => {
    if (i % 2 === 1) for (let k = at; k < at + n; k++) out.push(`${Math.floor(k / m.height)},${k % m.height}`);
    at += n;
  });
  expect(at).toBe(m.width * m.height);
  return out;
}

// As CVAT 2.x writes a project export ("CVAT for images 1.1", with images): Python's XMLGenerator,
// two-space indentation, every element opened and closed, image attributes id, name, subset,
// task_id, width, height; shapes label, source, occluded, geometry, z_order, group_id.
const PROJECT_XML = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <project>
      <id>2</id>
      <name>pets</name>
      <created>2024-03-01 10:00:00.000000+00:00</created>
      <updated>2024-03-02 10:00:00.000000+00:00</updated>
      <labels>
        <label>
          <name>cat</name>
          <color>#fa3253</color>
          <type>any</type>
          <attributes>
            <attribute>
              <name>age</name>
              <mutable>False</mutable>
              <input_type>number</input_type>
              <default_value>1</default_value>
              <values>0
20
1</values>
            </attribute>
            <attribute>
              <name>sleeping</name>
              <mutable>False</mutable>
              <input_type>checkbox</input_type>
              <default_value>false</default_value>
              <values>false</values>
            </attribute>
            <attribute>
              <name>note</name>
              <mutable>False</mutable>
              <input_type>text</input_type>
              <default_value></default_value>
              <values></values>
            </attribute>
          </attributes>
        </label>
        <label>
          <name>dog</name>
          <color>#3d3df5</color>
          <type>any</type>
          <attributes>
          </attributes>
        </label>
        <label>
          <name>bird</name>
          <color>#34d1b7</color>
          <type>any</type>
          <attributes>
          </attributes>
        </label>
      </labels>
      <tasks>
        <task>
          <id>3</id>
          <name>pets train</name>
          <size>1</size>
          <mode>annotation</mode>
          <overlap>0</overlap>
          <bugtracker></bugtracker>
          <created>2024-03-01 10:00:00.000000+00:00</created>
          <updated>2024-03-02 10:00:00.000000+00:00</updated>
          <subset>Train</subset>
          <start_frame>0</start_frame>
          <stop_frame>0</stop_frame>
          <frame_filter></frame_filter>
          <segments>
            <segment>
              <id>5</id>
              <start>0</start>
              <stop>0</stop>
              <url>http://localhost:8080/api/jobs/5</url>
            </segment>
          </segments>
          <owner>
            <username>admin</username>
            <email></email>
          </owner>
          <assignee></assignee>
        </task>
        <task>
          <id>4</id>
          <name>pets val</name>
          <size>1</size>
          <mode>annotation</mode>
          <overlap>0</overlap>
          <bugtracker></bugtracker>
          <created>2024-03-01 10:00:00.000000+00:00</created>
          <updated>2024-03-02 10:00:00.000000+00:00</updated>
          <subset>Validation</subset>
          <start_frame>0</start_frame>
          <stop_frame>0</stop_frame>
          <frame_filter></frame_filter>
          <owner>
            <username>admin</username>
            <email></email>
          </owner>
          <assignee></assignee>
        </task>
      </tasks>
      <owner>
        <username>admin</username>
        <email></email>
      </owner>
      <assignee></assignee>
    </project>
    <dumped>2024-03-02 10:05:00.000000+00:00</dumped>
  </meta>
  <image id="0" name="a.jpg" subset="Train" task_id="3" width="40" height="30">
    <box label="cat" source="manual" occluded="1" xtl="4.00" ytl="3.00" xbr="20.00" ybr="15.00" z_order="2" group_id="1">
      <attribute name="age">3</attribute>
      <attribute name="sleeping">true</attribute>
      <attribute name="note">007</attribute>
    </box>
    <polygon label="dog" source="auto" occluded="0" points="0.00,0.00;40.00,0.00;20.00,30.00" z_order="0">
    </polygon>
    <polyline label="dog" source="manual" occluded="0" points="1.00,1.00;39.00,29.00" z_order="1">
    </polyline>
    <points label="cat" source="manual" occluded="0" points="10.00,10.00;12.50,7.50" z_order="0" group_id="1">
    </points>
    <ellipse label="cat" source="manual" occluded="0" cx="20.00" cy="15.00" rx="5.00" ry="4.00" z_order="0">
    </ellipse>
    <box source="manual" occluded="0" xtl="1.00" ytl="1.00" xbr="2.00" ybr="2.00" z_order="0">
    </box>
    <tag label="dog" source="manual">
    </tag>
  </image>
  <image id="1" name="a.jpg" subset="Validation" task_id="4" width="6" height="4">
    <mask label="cat" source="manual" occluded="0" rle="1, 4, 1" left="2" top="1" width="3" height="2" z_order="0">
    </mask>
    <cuboid label="dog" source="manual" occluded="0" xtl1="1.00" ytl1="1.00" xbl1="1.00" ybl1="3.00" xtr1="3.00" ytr1="1.00" xbr1="3.00" ybr1="3.00" xtl2="2.00" ytl2="0.00" xbl2="2.00" ybl2="2.00" xtr2="4.00" ytr2="0.00" xbr2="4.00" ybr2="2.00" z_order="0">
    </cuboid>
  </image>
  <image id="2" name="e.jpg" subset="Extra" task_id="6" width="10" height="10">
    <skeleton label="cat" source="manual" z_order="0">
      <points label="1" source="manual" outside="0" occluded="0" points="2.00,2.00">
      </points>
    </skeleton>
  </image>
  <image id="3" name="f.jpg" subset="Extra" task_id="6" width="10" height="10">
  </image>
  <image id="4" name="g.jpg" subset="default" task_id="7" width="10" height="10">
  </image>
  <image id="5" name="gone.jpg" subset="Train" task_id="3" width="10" height="10">
    <tag label="cat" source="manual">
    </tag>
  </image>
</annotations>
`;

describe('CVAT for images 1.1: a project export', () => {
  const root = join(tmp.dir, 'project');
  const xml = join(root, 'annotations.xml');

  it('reads every subset into splits, both images named a.jpg, every shape kind and its extras', async () => {
    await writeImage(join(root, 'images/Train/a.jpg'), 1, { width: 40, height: 30 });
    await writeImage(join(root, 'images/Validation/a.jpg'), 2, { width: 6, height: 4 });
    await writeImage(join(root, 'images/Extra/e.jpg'), 3, { width: 10, height: 10 });
    await writeImage(join(root, 'images/Extra/f.jpg'), 4, { width: 10, height: 10 });
    await writeImage(join(root, 'images/default/g.jpg'), 5, { width: 10, height: 10 });
    writeFileSync(xml, PROJECT_XML);
    expect(await detectFormat(root)).toBe('cvat');

    const r = await readCvat(root);
    expect(r.dataset.classes).toEqual(['cat', 'dog', 'bird']); // meta order, bird declared but unused
    expect(r.dataset.images.map((i) => [i.file, i.split, i.width, i.height])).toEqual([
      ['images/Train/a.jpg', 'train', 40, 30],
      ['images/Validation/a.jpg', 'val', 6, 4],
      ['images/Extra/e.jpg', undefined, 10, 10],
      ['images/Extra/f.jpg', undefined, 10, 10],
      ['images/default/g.jpg', undefined, 10, 10],
    ]);
    const [a, v] = r.dataset.images;
    expect(a!.annotations).toEqual([
      {
        kind: 'box', classIndex: 0, x: 0.1, y: 0.1, w: 0.4, h: 0.4,
        occluded: true, zOrder: 2, group: 1, author: 'manual', attributes: { age: 3, sleeping: true, note: '007' },
      },
      { kind: 'polygon', classIndex: 1, points: [[0, 0], [1, 0], [0.5, 1]], occluded: false, zOrder: 0, author: 'auto' },
      { kind: 'polyline', classIndex: 1, points: [[1 / 40, 1 / 30], [39 / 40, 29 / 30]], occluded: false, zOrder: 1, author: 'manual' },
      { kind: 'points', classIndex: 0, points: [[0.25, 10 / 30], [12.5 / 40, 0.25]], occluded: false, zOrder: 0, group: 1, author: 'manual' },
      { kind: 'tag', classIndex: 1, author: 'manual' },
    ]);
    // The 3x2 mask at (2,1): rows "0 1 1" and "1 1 0" -> the whole 6x4 image, column-major.
    expect(v!.annotations).toEqual([
      { kind: 'mask', classIndex: 0, mask: { counts: [10, 1, 2, 2, 2, 1, 6], width: 6, height: 4 }, occluded: false, zOrder: 0, author: 'manual' },
    ]);
    expect(pixelsOf((v!.annotations[0] as { mask: RleMask }).mask).sort()).toEqual(['2,2', '3,1', '3,2', '4,1']);

    expect(r.errors).toEqual([
      { file: xml, where: 'line 124:5', reason: 'not supported: <ellipse> in image "a.jpg" (an ellipse has no polygon or box form here); it is not imported' },
      { file: xml, where: 'line 126:5', reason: 'a <box> without a label in image "a.jpg"; it is not imported' },
      { file: xml, where: 'line 134:5', reason: 'not supported: <cuboid> in image "a.jpg" (a 3D cuboid has no form in the model); it is not imported' },
      { file: xml, where: 'line 138:5', reason: 'not supported: <skeleton> in image "e.jpg" (skeletons (keypoints with edges) have no form in the model); it is not imported' },
      { file: xml, where: 'line 137:3', reason: 'the subset "Extra" is not Train, Validation or Test: its 2 image(s) are imported without a split' },
      {
        file: xml, where: 'line 147:3',
        reason: 'the image "gone.jpg" is not found (looked for images/Train/gone.jpg, images/gone.jpg, gone.jpg); its 1 annotation(s) are not imported',
      },
    ]);
  });

  it('the same name twice in one subset is one image, with a line', () => {
    const text = PROJECT_XML.replace('name="f.jpg" subset="Extra"', 'name="e.jpg" subset="Extra"');
    const r = parseCvat(text, 'annotations.xml');
    expect(r.dataset.images.filter((i) => i.file === 'e.jpg')).toHaveLength(1);
    expect(r.errors).toContainEqual({ file: 'annotations.xml', where: 'line 143:3', reason: 'the image "e.jpg" of subset "Extra" appears twice; the second is ignored' });
  });
});

// A task export: labels under <task>, the task's subset only in the meta, images in images/.
const TASK_XML = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <id>9</id>
      <name>street</name>
      <size>1</size>
      <mode>annotation</mode>
      <overlap>0</overlap>
      <bugtracker></bugtracker>
      <created>2024-03-01 10:00:00.000000+00:00</created>
      <updated>2024-03-02 10:00:00.000000+00:00</updated>
      <subset>Validation</subset>
      <start_frame>0</start_frame>
      <stop_frame>0</stop_frame>
      <frame_filter></frame_filter>
      <segments>
        <segment>
          <id>11</id>
          <start>0</start>
          <stop>0</stop>
          <url>http://localhost:8080/api/jobs/11</url>
        </segment>
      </segments>
      <owner>
        <username>admin</username>
        <email></email>
      </owner>
      <assignee></assignee>
      <labels>
        <label>
          <name>car</name>
          <color>#fa3253</color>
          <type>rectangle</type>
          <attributes>
            <attribute>
              <name>doors</name>
              <mutable>False</mutable>
              <input_type>number</input_type>
              <default_value>4</default_value>
              <values>2
5
1</values>
            </attribute>
          </attributes>
        </label>
        <label>
          <name>person</name>
          <color>#3d3df5</color>
          <type>any</type>
          <attributes>
          </attributes>
        </label>
      </labels>
    </task>
    <dumped>2024-03-02 10:05:00.000000+00:00</dumped>
  </meta>
  <image id="0" name="street/0001.png" width="20" height="12">
    <box label="car" source="manual" occluded="0" xtl="2.00" ytl="3.00" xbr="12.00" ybr="8.00" rotation="90.00" z_order="0">
      <attribute name="doors">many</attribute>
    </box>
    <box label="person" source="manual" occluded="0" xtl="0.00" ytl="0.00" xbr="5.00" ybr="5.00" z_order="0">
      <attribute name="doors">3</attribute>
    </box>
    <mask label="person" source="manual" occluded="0" rle="1, 4, 2" left="18" top="8" width="3" height="2" z_order="0">
    </mask>
  </image>
</annotations>
`;

describe('CVAT for images 1.1: a task export', () => {
  it("takes the task's subset from the meta, types attributes by their label, reports bad values", async () => {
    const root = join(tmp.dir, 'task');
    await writeImage(join(root, 'images/street/0001.png'), 7, { format: 'png', width: 20, height: 12 });
    writeFileSync(join(root, 'annotations.xml'), TASK_XML);
    const r = await readCvat(join(root, 'annotations.xml'));
    expect(r.dataset.classes).toEqual(['car', 'person']);
    const img = r.dataset.images[0]!;
    expect([img.file, img.split]).toEqual(['images/street/0001.png', 'val']);
    // The rotated box is its 4 corners; "many" is not a number: kept as text, with a line.
    const [rotated, person] = img.annotations;
    expect(rotated).toMatchObject({ kind: 'polygon', classIndex: 0, attributes: { doors: 'many' } });
    const corners = (rotated as { points: [number, number][] }).points.map(([x, y]) => [x * 20, y * 12]);
    [[9.5, 0.5], [9.5, 10.5], [4.5, 10.5], [4.5, 0.5]].forEach(([x, y], k) => {
      expect(corners[k]![0]).toBeCloseTo(x!, 6);
      expect(corners[k]![1]).toBeCloseTo(y!, 6);
    });
    // "doors" is declared on car, not on person: person's "3" stays text.
    expect(person).toMatchObject({ kind: 'box', classIndex: 1, attributes: { doors: '3' } });
    expect(img.annotations).toHaveLength(2);
    expect(r.errors.map((e) => [e.where, e.reason])).toEqual([
      ['line 61:7', 'the attribute "doors" is declared number but "many" is not a number; kept as text'],
      ['line 66:5', 'the mask box (left 18, top 8, 3x2) lies outside the 20x12 image'],
    ]);
  });
});

describe('CVAT mask RLE', () => {
  it("converts the CVAT docs' example (13x15 box at 707,888) to the same pixels, column-major", () => {
    const rle = [3, 5, 7, 7, 5, 9, 3, 11, 2, 11, 2, 12, 1, 12, 1, 26, 1, 12, 1, 12, 2, 11, 3, 9, 5, 7, 7, 5, 3];
    const r = cvatRleToCoco({ rle, left: 707, top: 888, width: 13, height: 15 }, 1600, 1200);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // Row-major decoding of the box, done independently, must give the same pixel set.
    const want: string[] = [];
    let at = 0;
    rle.forEach((n, i) => {
      if (i % 2 === 1) for (let k = at; k < at + n; k++) want.push(`${707 + (k % 13)},${888 + Math.floor(k / 13)}`);
      at += n;
    });
    expect(pixelsOf(r.mask).sort()).toEqual(want.sort());
    expect(r.pixels).toBe(want.length);
  });

  it('refuses counts that do not fill the box', () => {
    expect(cvatRleToCoco({ rle: [1, 2], left: 0, top: 0, width: 2, height: 2 }, 4, 4)).toEqual({
      ok: false, reason: 'the rle counts add up to 3 pixels, the 2x2 mask box has 4',
    });
  });
});

describe('CVAT for images 1.1 with --images-root', () => {
  it('finds the images of a bare annotations.xml in the folder given, by subset first', async () => {
    const root = join(tmp.dir, 'bare');
    const pics = join(tmp.dir, 'pics');
    await writeImage(join(pics, 'Train/a.jpg'), 8, { width: 40, height: 30 });
    await writeImage(join(pics, 'a.jpg'), 9, { width: 6, height: 4 });
    await writeImage(join(pics, 'Extra/e.jpg'), 3, { width: 10, height: 10 });
    await writeImage(join(pics, 'Extra/f.jpg'), 4, { width: 10, height: 10 });
    await writeImage(join(root, 'images/g.jpg'), 5, { width: 10, height: 10 });
    writeFileSync(join(root, 'annotations.xml'), PROJECT_XML);
    const r = await readCvat(join(root, 'annotations.xml'), { imagesRoot: pics });
    expect(r.imageRoots).toEqual([pics, root]);
    expect(r.dataset.images.map((i) => [i.file, i.split])).toEqual([
      [join(pics, 'Train/a.jpg'), 'train'],
      [join(pics, 'a.jpg'), 'val'],
      [join(pics, 'Extra/e.jpg'), undefined],
      [join(pics, 'Extra/f.jpg'), undefined],
      ['images/g.jpg', undefined],
    ]);
  });
});
