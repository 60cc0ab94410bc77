/**
 * Datasets in the layouts other tools write, through the whole import job into a project and
 * back out: every class with its id and order, every region kind, flag, attribute and annotator
 * kept in the store, and what an export cannot hold listed. The fixtures are written here by
 * hand, as YOLO/Ultralytics, CVAT, Pascal VOC and Label Studio write them (not by Apprentice).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckedService } from '../test-support/checking-replies';
import { tempDir, writeImage } from '../test-support/fixtures';
import type { ExportResult, ImportResult } from '../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function project(task: 'classify' | 'detect' | 'segment' = 'detect') {
  const t = tempDir();
  const s = new CheckedService({ transport: 'in-process' });
  cleanup = async () => {
    await s.close();
    t.cleanup();
  };
  const run = async <R>(input: unknown): Promise<R> => {
    const job = await s.waitForJob((await s.invoke('jobs.start', input as never)).jobId);
    expect(job.error).toBeNull();
    return job.result as R;
  };
  await s.invoke('project.create', { dir: join(t.dir, 'project'), task });
  const annotationsOf = async (fileName: string) => {
    const img = (await s.invoke('images.list', {})).items.find((i) => i.fileName === fileName)!;
    return (await s.invoke('images.get', { id: img.id })).annotations;
  };
  const classNames = async () => (await s.invoke('classes.list', {})).map((c) => c.name);
  return { dir: t.dir, s, run, annotationsOf, classNames };
}

const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

describe('datasets in the layouts real tools write', () => {
  test('YOLO: every class of obj.names is kept by id, and the export writes the same ids and nc', async () => {
    const { dir, run, classNames } = await project();
    const src = join(dir, 'darknet');
    write(join(src, 'obj.names'), 'person\nbicycle\ncar\nmotorbike\nbus\n');
    await writeImage(join(src, 'images', 'train', 'a.jpg'), 1, { width: 64, height: 32 });
    write(join(src, 'labels', 'train', 'a.txt'), '2 0.5 0.5 0.25 0.5\n4 0.25 0.25 0.125 0.25\n');
    const r = await run<ImportResult>({ kind: 'import', input: { paths: [src], format: 'yolo' } });
    expect(r).toMatchObject({ imported: 1, errors: [], skipped: [] });
    expect(await classNames()).toEqual(['person', 'bicycle', 'car', 'motorbike', 'bus']);

    const out = join(dir, 'yolo-out');
    const e = await run<ExportResult>({ kind: 'export', input: { format: 'yolo', out } });
    expect(e).toMatchObject({ images: 1, annotations: 2, skipped: [], converted: [] });
    const labels = readFileSync(join(out, 'labels', 'train', 'a.txt'), 'utf8').trim().split('\n');
    expect(labels.map((l) => l.split(' ')[0]).sort()).toEqual(['2', '4']);
    const yaml = readFileSync(join(out, 'data.yaml'), 'utf8');
    expect(yaml).toMatch(/nc: 5/);
  });

  test('CVAT project export: subsets become splits, unused labels stay, polylines and points are kept with occluded, z_order and attributes', async () => {
    const { dir, run, annotationsOf, classNames, s } = await project('segment');
    const src = join(dir, 'cvat-project');
    await writeImage(join(src, 'images', 'Train', 'frame_000.jpg'), 3, { width: 100, height: 50 });
    await writeImage(join(src, 'images', 'Validation', 'frame_000.jpg'), 4, { width: 100, height: 50 });
    write(
      join(src, 'annotations.xml'),
      `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <project>
      <id>3</id>
      <name>roads</name>
      <labels>
        <label><name>car</name><color>#fa3253</color><type>any</type><attributes>
          <attribute><name>parked</name><mutable>False</mutable><input_type>checkbox</input_type><default_value>false</default_value><values>false
true</values></attribute></attributes></label>
        <label><name>lane</name><color>#33ddff</color><type>any</type><attributes></attributes></label>
        <label><name>sign</name><color>#ffcc33</color><type>any</type><attributes></attributes></label>
        <label><name>unused</name><color>#000000</color><type>any</type><attributes></attributes></label>
      </labels>
      <tasks>
        <task><id>5</id><name>t1</name><subset>Train</subset></task>
        <task><id>6</id><name>t2</name><subset>Validation</subset></task>
      </tasks>
    </project>
  </meta>
  <image id="0" name="frame_000.jpg" subset="Train" task_id="5" width="100" height="50">
    <box label="car" source="manual" occluded="1" xtl="10.00" ytl="5.00" xbr="30.00" ybr="25.00" z_order="2">
      <attribute name="parked">true</attribute>
    </box>
    <polyline label="lane" source="manual" occluded="0" points="0.00,50.00;50.00,25.00;100.00,0.00" z_order="0"></polyline>
  </image>
  <image id="1" name="frame_000.jpg" subset="Validation" task_id="6" width="100" height="50">
    <points label="sign" source="manual" occluded="0" points="20.00,10.00;80.00,40.00" z_order="0"></points>
    <polygon label="car" source="manual" occluded="0" points="10.00,10.00;60.00,10.00;35.00,40.00" z_order="1"></polygon>
  </image>
</annotations>
`,
    );
    const r = await run<ImportResult>({ kind: 'import', input: { paths: [src], format: 'cvat' } });
    expect(r).toMatchObject({ imported: 2, errors: [] });
    expect(await classNames()).toEqual(['car', 'lane', 'sign', 'unused']);
    const images = (await s.invoke('images.list', {})).items;
    expect(images.map((i) => i.split).sort()).toEqual(['train', 'val']);
    const train = images.find((i) => i.split === 'train')!;
    const regions = (await s.invoke('images.get', { id: train.id })).annotations;
    const car = regions.find((a) => a.kind === 'box')!;
    expect(car.attributes).toEqual({ occluded: true, zOrder: 2, attributes: { parked: true } });
    const lane = regions.find((a) => a.kind === 'polyline')!;
    expect(lane.geometry).toEqual({ points: [[0, 1], [0.5, 0.5], [1, 0]] });
    expect((await annotationsOf('frame_000.jpg')).length).toBeGreaterThan(0);

    // COCO instances hold boxes, polygons and masks: the polyline and the points are listed, not lost.
    const e = await run<ExportResult>({ kind: 'export', input: { format: 'coco', out: join(dir, 'coco-out', 'annotations.json') } });
    expect(e.annotations).toBe(4);
    expect(e.skipped.map((x) => x.reason).join('\n')).toMatch(/polyline[\s\S]*points|points[\s\S]*polyline/);
    const coco = JSON.parse(readFileSync(join(dir, 'coco-out', 'annotations.json'), 'utf8'));
    expect(coco.categories.map((c: { name: string }) => c.name)).toEqual(['car', 'lane', 'sign', 'unused']);
    expect(coco.annotations).toHaveLength(2);

    // VOC holds boxes: the polygon goes out as its bounding box (listed as converted), the others are listed as not written.
    const voc = await run<ExportResult>({ kind: 'export', input: { format: 'voc', out: join(dir, 'voc-out') } });
    expect(voc.converted.map((c) => c.reason).join('\n')).toMatch(/polygon/);
    expect(voc.skipped.map((c) => c.reason).join('\n')).toMatch(/polyline/);
    expect(voc.skipped.map((c) => c.reason).join('\n')).toMatch(/points/);
  });

  test('Pascal VOC: labelmap order without background, difficult and truncated kept through import and export', async () => {
    const { dir, run, classNames, annotationsOf } = await project();
    const src = join(dir, 'VOC2012');
    write(join(src, 'labelmap.txt'), '# label:color_rgb:parts:actions\nbackground:0,0,0::\nperson:192,128,128::\ncar:128,128,128::\naeroplane:128,0,0::\n');
    await writeImage(join(src, 'JPEGImages', '2007_000027.jpg'), 5, { width: 100, height: 80 });
    write(join(src, 'ImageSets', 'Main', 'train.txt'), '2007_000027\n');
    write(
      join(src, 'Annotations', '2007_000027.xml'),
      `<annotation>
	<folder>VOC2012</folder>
	<filename>2007_000027.jpg</filename>
	<source><database>The VOC2007 Database</database></source>
	<size><width>100</width><height>80</height><depth>3</depth></size>
	<segmented>0</segmented>
	<object>
		<name>car</name>
		<pose>Left</pose>
		<truncated>1</truncated>
		<difficult>1</difficult>
		<bndbox><xmin>10</xmin><ymin>8</ymin><xmax>50</xmax><ymax>40</ymax></bndbox>
	</object>
</annotation>
`,
    );
    const r = await run<ImportResult>({ kind: 'import', input: { paths: [src], format: 'voc' } });
    expect(r).toMatchObject({ imported: 1, errors: [] });
    expect(await classNames()).toEqual(['person', 'car', 'aeroplane']);
    const [box] = await annotationsOf('2007_000027.jpg');
    expect(box!.attributes).toMatchObject({ difficult: true, truncated: true });

    const out = join(dir, 'voc-out');
    const e = await run<ExportResult>({ kind: 'export', input: { format: 'voc', out } });
    expect(e.skipped).toEqual([]);
    const xml = readFileSync(join(out, 'Annotations', '2007_000027.xml'), 'utf8');
    expect(xml).toMatch(/<difficult>1<\/difficult>/);
    expect(xml).toMatch(/<truncated>1<\/truncated>/);
  });

  test('Label Studio: two annotators of one task are kept apart with their names; "Dog" and "dog" stay two classes', async () => {
    const { dir, run, classNames, annotationsOf } = await project('classify');
    const src = join(dir, 'ls');
    await writeImage(join(src, 'pet.jpg'), 6, { width: 32, height: 32 });
    write(
      join(src, 'export.json'),
      JSON.stringify([
        {
          id: 11,
          data: { image: '/data/upload/1/3f2a9c1b-pet.jpg' },
          annotations: [
            { id: 1, completed_by: { id: 1, email: 'ann@lab.org' }, result: [{ id: 'r1', type: 'choices', from_name: 'choice', to_name: 'image', value: { choices: ['Dog', 'Cat'] } }] },
            { id: 2, completed_by: { id: 2, email: 'bob@lab.org' }, result: [{ id: 'r2', type: 'choices', from_name: 'choice', to_name: 'image', value: { choices: ['dog'] } }] },
          ],
          predictions: [],
        },
      ]),
    );
    const r = await run<ImportResult>({ kind: 'import', input: { paths: [join(src, 'export.json')], format: 'labelstudio' } });
    expect(r).toMatchObject({ imported: 1, errors: [] });
    expect((await classNames()).sort()).toEqual(['Cat', 'Dog', 'dog']);
    const tags = (await annotationsOf('pet.jpg')).filter((a) => a.kind === 'tag');
    expect(tags.map((t) => `${t.author}:${t.classId}`).length).toBe(3);
    expect(new Set(tags.map((t) => t.author))).toEqual(new Set(['ann@lab.org', 'bob@lab.org']));
  });

  test('COCO in its standard layout: splits from the file names, images in images/<split>/, unused categories and their ids, crowd RLE masks and attributes kept and written back', async () => {
    const { dir, run, classNames, s } = await project('segment');
    const src = join(dir, 'coco');
    await writeImage(join(src, 'images', 'train', '000000000009.jpg'), 7, { width: 40, height: 20 });
    await writeImage(join(src, 'images', 'val', '000000000139.jpg'), 8, { width: 40, height: 20 });
    const categories = [
      { supercategory: 'person', id: 1, name: 'person' },
      { supercategory: 'vehicle', id: 3, name: 'car' },
      { supercategory: 'animal', id: 18, name: 'dog' },
    ];
    write(
      join(src, 'annotations', 'instances_train.json'),
      JSON.stringify({
        info: { description: 'test' },
        licenses: [],
        images: [{ license: 1, file_name: '000000000009.jpg', height: 20, width: 40, id: 9 }],
        // A crowd region as pycocotools writes it: uncompressed counts, column-major, over the image size.
        annotations: [
          { segmentation: { counts: [42, 4, 16, 4, 734], size: [20, 40] }, area: 8, iscrowd: 1, image_id: 9, bbox: [2, 2, 2, 4], category_id: 1, id: 1 },
          { segmentation: [[10, 2, 30, 2, 30, 12, 10, 12]], area: 200, iscrowd: 0, image_id: 9, bbox: [10, 2, 20, 10], category_id: 3, id: 2, attributes: { color: 'red', occluded: false } },
        ],
        categories,
      }),
    );
    write(
      join(src, 'annotations', 'instances_val.json'),
      JSON.stringify({ images: [{ file_name: '000000000139.jpg', height: 20, width: 40, id: 139 }], annotations: [{ segmentation: [], area: 40, iscrowd: 0, image_id: 139, bbox: [0, 0, 8, 5], category_id: 3, id: 3 }], categories }),
    );
    const r = await run<ImportResult>({ kind: 'import', input: { paths: [src], format: 'coco' } });
    expect(r).toMatchObject({ imported: 2, errors: [] });
    expect(await classNames()).toEqual(['person', 'car', 'dog']);
    const images = (await s.invoke('images.list', {})).items;
    expect(Object.fromEntries(images.map((i) => [i.fileName, i.split]))).toEqual({ '000000000009.jpg': 'train', '000000000139.jpg': 'val' });
    const regions = (await s.invoke('images.get', { id: images.find((i) => i.fileName === '000000000009.jpg')!.id })).annotations;
    const crowd = regions.find((a) => a.kind === 'mask')!;
    expect(crowd.attributes).toMatchObject({ iscrowd: true });
    expect(crowd.geometry).toEqual({ mask: { counts: [42, 4, 16, 4, 734], width: 40, height: 20 } });
    expect(regions.find((a) => a.kind === 'polygon')!.attributes).toEqual({ attributes: { color: 'red', occluded: false } });

    const out = join(dir, 'coco-out', 'annotations.json');
    const e = await run<ExportResult>({ kind: 'export', input: { format: 'coco', out } });
    expect(e).toMatchObject({ images: 2, annotations: 3, skipped: [] });
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.categories.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([[1, 'person'], [3, 'car'], [18, 'dog']]);
    const mask = written.annotations.find((a: { iscrowd: number }) => a.iscrowd === 1);
    expect(mask).toMatchObject({ category_id: 1, segmentation: { counts: [42, 4, 16, 4, 734], size: [20, 40] } });
    expect(written.annotations.find((a: { attributes?: unknown }) => a.attributes)).toMatchObject({ category_id: 3, attributes: { color: 'red', occluded: false } });
  });

  test('Roboflow COCO export (train/ valid/ test/ with _annotations.coco.json beside the images) imports whole, and a named images folder is used when guessing fails', async () => {
    const { dir, run, s } = await project();
    const src = join(dir, 'roboflow');
    const cats = [{ id: 0, name: 'cars-bikes', supercategory: 'none' }, { id: 1, name: 'bike', supercategory: 'cars-bikes' }, { id: 2, name: 'car', supercategory: 'cars-bikes' }];
    for (const [split, seed] of [['train', 11], ['valid', 12], ['test', 13]] as const) {
      const name = `img_${split}.rf.0123abcd.jpg`;
      await writeImage(join(src, split, name), seed, { width: 32, height: 32 });
      write(join(src, split, '_annotations.coco.json'), JSON.stringify({ images: [{ id: 0, file_name: name, width: 32, height: 32 }], annotations: [{ id: 0, image_id: 0, category_id: 2, bbox: [1, 1, 10, 10], area: 100, segmentation: [], iscrowd: 0 }], categories: cats }));
    }
    const r = await run<ImportResult>({ kind: 'import', input: { paths: [src], format: 'coco' } });
    expect(r).toMatchObject({ imported: 3, errors: [] });
    expect((await s.invoke('images.list', {})).items.map((i) => i.split).sort()).toEqual(['test', 'train', 'val']);

    // A JSON whose images live in a folder no rule guesses: --images-root names it.
    const elsewhere = join(dir, 'pictures');
    await writeImage(join(elsewhere, 'x.jpg'), 14, { width: 32, height: 32 });
    write(join(dir, 'labels', 'x.json'), JSON.stringify({ images: [{ id: 1, file_name: 'x.jpg', width: 32, height: 32 }], annotations: [], categories: cats }));
    const lost = await run<ImportResult>({ kind: 'import', input: { paths: [join(dir, 'labels', 'x.json')], format: 'coco' } });
    expect(lost.imported).toBe(0);
    expect(lost.skipped[0]).toMatchObject({ item: expect.stringContaining('x.json'), reason: expect.stringContaining('x.jpg') });
    const found = await run<ImportResult>({ kind: 'import', input: { paths: [join(dir, 'labels', 'x.json')], format: 'coco', imagesRoot: elsewhere } });
    expect(found).toMatchObject({ imported: 1, errors: [] });
  });

  test('a box CSV (path,label,x,y,w,h in pixels) imports its boxes through the CSV format', async () => {
    const { dir, run, annotationsOf } = await project();
    await writeImage(join(dir, 'csv', 'street.jpg'), 15, { width: 200, height: 100 });
    write(join(dir, 'csv', 'boxes.csv'), 'path,label,x,y,w,h,split\r\n"street.jpg",car,20,10,100,50,train\r\n');
    const r = await run<ImportResult>({ kind: 'import', input: { paths: [join(dir, 'csv', 'boxes.csv')], format: 'csv' } });
    expect(r).toMatchObject({ imported: 1, errors: [] });
    const [box] = await annotationsOf('street.jpg');
    expect(box).toMatchObject({ kind: 'box', geometry: { x: 0.1, y: 0.1, w: 0.5, h: 0.5 } });
  });
});
