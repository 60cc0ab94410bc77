/**
 * Small, valid inputs for each format, shared by the format tests and the fuzz test.
 * (Test data only; nothing in the app imports this.)
 */
import type { Dataset } from '../annotation/formats/dataset';

/** Class order deliberately neither alphabetical nor first-seen. */
export function referenceDataset(): Dataset {
  return {
    classes: ['zebra', 'cat', 'dog'],
    images: [
      {
        file: 'a.jpg', width: 640, height: 480, split: 'train',
        annotations: [
          { kind: 'box', classIndex: 1, x: 0.1, y: 0.2, w: 0.3, h: 0.4 },
          { kind: 'polygon', classIndex: 2, points: [[0.5, 0.5], [0.9, 0.55], [0.7, 0.95], [0.52, 0.8]] },
          { kind: 'box', classIndex: 0, x: 0, y: 0, w: 1, h: 1 },
        ],
      },
      // Stored 640x480 with EXIF orientation 6: the model holds the upright 480x640.
      { file: 'sub/b.png', width: 480, height: 640, split: 'val', annotations: [{ kind: 'box', classIndex: 2, x: 0.5, y: 0.25, w: 0.25, h: 0.5 }] },
      { file: 'c.jpg', width: 100, height: 50, split: 'train', annotations: [] },
      { file: 'other/a.jpg', width: 300, height: 200, split: 'test', annotations: [{ kind: 'box', classIndex: 1, x: 1 / 3, y: 0.123456789, w: 2 / 3, h: 0.5 }] },
      { file: 'd.jpg', width: 64, height: 64, annotations: [{ kind: 'tag', classIndex: 1 }] },
    ],
  };
}

export const COCO_SAMPLE = JSON.stringify({
  images: [
    { id: 10, file_name: 'a.jpg', width: 640, height: 480 },
    { id: 11, file_name: 'b.jpg', width: 200, height: 100 },
    { id: 12, file_name: 'empty.jpg', width: 50, height: 50 },
  ],
  categories: [
    { id: 7, name: 'dog' },
    { id: 3, name: 'cat' },
  ],
  annotations: [
    { id: 1, image_id: 10, category_id: 3, bbox: [64, 48, 128, 96], area: 12288, iscrowd: 0, segmentation: [] },
    { id: 2, image_id: 10, category_id: 7, bbox: [0, 0, 10, 10], area: 50, iscrowd: 0, segmentation: [[0, 0, 10, 0, 10, 10]] },
    { id: 3, image_id: 11, category_id: 7, bbox: [100, 50, 100, 50], area: 5000, iscrowd: 1, segmentation: [] },
  ],
}, null, 1);

export const YOLO_YAML = `# comment
path: .
train: images/train
val: images/val
nc: 3
names:
  0: person
  1: "bi cycle"
  2: 'car'
download: |
  echo "not read"
`;

export const YOLO_LABELS = `0 0.5 0.5 0.2 0.4
2 0.1 0.1 0.3 0.1 0.2 0.3
1 0.25 0.75 0.5 0.5
`;

export const VOC_SAMPLE = `<?xml version="1.0"?>
<!-- written by hand -->
<annotation>
  <folder>JPEGImages</folder>
  <filename>000005.jpg</filename>
  <size><width>500</width><height>375</height><depth>3</depth></size>
  <object>
    <name>chair</name>
    <pose>Rear</pose>
    <truncated>0</truncated>
    <difficult>1</difficult>
    <bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox>
  </object>
  <object>
    <name>b&amp;w tv</name>
    <bndbox><xmin>0</xmin><ymin>0.5</ymin><xmax>500</xmax><ymax>375</ymax></bndbox>
  </object>
</annotation>
`;

export const CSV_SAMPLE = `path,label,x,y,w,h
img/a.jpg,cat,10,20,30,40
img/a.jpg,dog,0,0,100,50
img/b.jpg,cat,,,,
"img/c, d.jpg",,,,,
`;

export const LABEL_STUDIO_SAMPLE = JSON.stringify([
  {
    id: 1,
    data: { image: '/data/upload/1/abc-a.jpg' },
    annotations: [
      { id: 1, was_cancelled: true, result: [] },
      {
        id: 2,
        result: [
          { type: 'rectanglelabels', original_width: 200, original_height: 100, from_name: 'label', to_name: 'image',
            value: { x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['cat'] } },
          { type: 'polygonlabels', original_width: 200, original_height: 100,
            value: { points: [[10, 10], [50, 10], [30, 60]], polygonlabels: ['dog'] } },
          { type: 'choices', value: { choices: ['outdoor'] } },
        ],
      },
    ],
  },
  { id: 2, data: { image: '/data/local-files/?d=photos%2Fb%20c.jpg' }, annotations: [] },
]);

export const CVAT_SAMPLE = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <labels>
        <label><name>dog</name><color>#ff0000</color></label>
        <label><name>cat</name><color>#00ff00</color></label>
      </labels>
    </task>
  </meta>
  <image id="0" name="a.jpg" width="640" height="480" subset="Train">
    <box label="cat" source="manual" occluded="0" xtl="64.00" ytl="48.00" xbr="192.00" ybr="144.00" z_order="0"/>
    <polygon label="dog" occluded="0" points="10.0,10.0;100.0,10.0;50.0,80.0" z_order="0"/>
    <tag label="cat" source="manual"/>
  </image>
  <image id="1" name="b.jpg" width="100" height="100" subset="Validation"/>
</annotations>
`;
