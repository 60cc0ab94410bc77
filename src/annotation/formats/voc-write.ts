/**
 * The Pascal VOC writer: Annotations/<stem>.xml, ImageSets/Main/<split>.txt, labels.txt (the exact
 * class order, read back first) and labelmap.txt (Datumaro's, background first, with parts and
 * actions, for CVAT and Datumaro).
 * VOC holds boxes. A polygon or a mask is written as its bounding box (listed in `converted`);
 * polylines, points and tags are not written (listed in `skipped`). A box that belongs to a group
 * whose first box is another class, and whose class only ever appears that way, is written back
 * as a <part> of that first box (how VOC's person layout reads). Flags are written as 0/1
 * (`occluded` only when known), `pose`, `action.*` and other attributes as VOC and Datumaro do.
 */
import type { AttributeValue, Dataset, DatasetAnnotation, DatasetSplit, RleMask } from './dataset';
import type { FormatProblem, WrittenDataset } from './reports';
import { formatNumber } from './numbers';
import { className } from './classes';
import { ExportNames, stemOf } from './unique-names';
import { writeLabelmap, type LabelmapEntry } from './voc-labelmap';
import { writeXml, type XmlOut } from './xml';

type Box = { classIndex: number; x: number; y: number; w: number; h: number; source: DatasetAnnotation };

/** The bounding box of a mask's foreground, normalized; undefined when it is empty. */
function maskBounds(m: RleMask): { x: number; y: number; w: number; h: number } | undefined {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  let at = 0;
  m.counts.forEach((n, i) => {
    if (i % 2 === 1 && n > 0) {
      const [first, last] = [at, at + n - 1]; // column-major: index = x * height + y
      const [fx, lx] = [Math.floor(first / m.height), Math.floor(last / m.height)];
      x0 = Math.min(x0, fx);
      x1 = Math.max(x1, lx);
      // A run within one column spans its rows; one over several columns reaches the top and the bottom.
      if (fx === lx) [y0, y1] = [Math.min(y0, first % m.height), Math.max(y1, last % m.height)];
      else [y0, y1] = [0, m.height - 1];
    }
    at += n;
  });
  if (!Number.isFinite(x0)) return undefined;
  return { x: x0 / m.width, y: y0 / m.height, w: (x1 + 1 - x0) / m.width, h: (y1 + 1 - y0) / m.height };
}

/** The boxes VOC can hold of an annotation, or the reason it cannot. */
function asBox(a: DatasetAnnotation): { x: number; y: number; w: number; h: number } | { skip: string } {
  switch (a.kind) {
    case 'box':
      return a;
    case 'polygon': {
      const xs = a.points.map((p) => p[0]);
      const ys = a.points.map((p) => p[1]);
      const [x, y] = [Math.min(...xs), Math.min(...ys)];
      return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
    }
    case 'mask':
      return maskBounds(a.mask) ?? { skip: 'the mask is empty; it is not written' };
    default:
      return { skip: `Pascal VOC holds boxes; a ${a.kind} is not written` };
  }
}

const f = formatNumber;
const leaf = (name: string, text: string): XmlOut => ({ name, text });
const bndbox = (b: Box, width: number, height: number): XmlOut => ({
  name: 'bndbox',
  children: [
    leaf('xmin', f(b.x * width)),
    leaf('ymin', f(b.y * height)),
    leaf('xmax', f((b.x + b.w) * width)),
    leaf('ymax', f((b.y + b.h) * height)),
  ],
});
const text = (v: AttributeValue): string => (typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v));

export function writeVoc(dataset: Dataset): WrittenDataset {
  const files: WrittenDataset['files'] = [];
  const placements: WrittenDataset['images'] = [];
  const skipped: FormatProblem[] = [];
  const converted: FormatProblem[] = [];
  const names = new ExportNames();
  const splitLists: Record<DatasetSplit, string[]> = { train: [], val: [], test: [] };

  // Which classes are parts: every box of the class is a later member of a group.
  const asPart = new Map<number, boolean>();
  for (const img of dataset.images) {
    const firstOfGroup = new Map<number, DatasetAnnotation>();
    for (const a of img.annotations) {
      if (a.kind !== 'box') continue;
      const later = a.group !== undefined && firstOfGroup.has(a.group) && firstOfGroup.get(a.group)!.classIndex !== a.classIndex;
      if (a.group !== undefined && !firstOfGroup.has(a.group)) firstOfGroup.set(a.group, a);
      asPart.set(a.classIndex, (asPart.get(a.classIndex) ?? true) && later);
    }
  }
  const isPartClass = (ci: number): boolean => asPart.get(ci) === true;
  const partsOf = new Map<number, string[]>();
  const actionsOf = new Map<number, string[]>();
  const note = (map: Map<number, string[]>, ci: number, name: string): void => {
    const l = map.get(ci) ?? [];
    if (!l.includes(name)) l.push(name);
    map.set(ci, l);
  };

  for (const img of dataset.images) {
    const name = names.claim('JPEGImages', img.file);
    const stem = stemOf(name);
    placements.push({ file: img.file, to: `JPEGImages/${name}` });
    if (img.split) splitLists[img.split].push(stem);
    const known = img.width > 0 && img.height > 0;
    const boxes: Box[] = [];
    const counts = new Map<string, number>();
    for (const a of img.annotations) {
      className(dataset, a, img.file);
      const b = asBox(a);
      if ('skip' in b) {
        skipped.push({ file: img.file, where: '', reason: b.skip });
        continue;
      }
      if (!known) {
        skipped.push({ file: img.file, where: '', reason: 'the image size is unknown; the box cannot be written in pixels' });
        continue;
      }
      if (a.kind !== 'box') counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
      boxes.push({ classIndex: a.classIndex, x: b.x, y: b.y, w: b.w, h: b.h, source: a });
    }
    for (const [kind, n] of counts) converted.push({ file: img.file, where: '', reason: `${n} ${kind}${n > 1 ? 's' : ''} written as ${n > 1 ? 'their bounding boxes' : 'its bounding box'}` });

    const objects: { box: Box; parts: Box[] }[] = [];
    const byGroup = new Map<number, { box: Box; parts: Box[] }>();
    for (const b of boxes) {
      const g = b.source.group;
      const owner = g !== undefined ? byGroup.get(g) : undefined;
      if (owner && b.source.kind === 'box' && isPartClass(b.classIndex) && owner.box.classIndex !== b.classIndex) {
        owner.parts.push(b);
        note(partsOf, owner.box.classIndex, dataset.classes[b.classIndex]!);
        continue;
      }
      const o = { box: b, parts: [] };
      objects.push(o);
      if (g !== undefined && !byGroup.has(g)) byGroup.set(g, o);
    }
    const objectEls = objects.map(({ box: b, parts }): XmlOut => {
      const a = b.source;
      const attrs = a.attributes ?? {};
      const actions = Object.entries(attrs).filter(([k]) => k.startsWith('action.'));
      const others = Object.entries(attrs).filter(([k]) => k !== 'pose' && !k.startsWith('action.'));
      for (const [k] of actions) note(actionsOf, b.classIndex, k.slice('action.'.length));
      return {
        name: 'object',
        children: [
          leaf('name', dataset.classes[b.classIndex]!),
          leaf('pose', attrs.pose !== undefined ? text(attrs.pose) : 'Unspecified'),
          leaf('truncated', a.truncated ? '1' : '0'),
          ...(a.occluded !== undefined ? [leaf('occluded', a.occluded ? '1' : '0')] : []),
          leaf('difficult', a.difficult ? '1' : '0'),
          bndbox(b, img.width, img.height),
          ...parts.map((p): XmlOut => ({ name: 'part', children: [leaf('name', dataset.classes[p.classIndex]!), bndbox(p, img.width, img.height)] })),
          ...(actions.length ? [{ name: 'actions', children: actions.map(([k, v]) => leaf(k.slice('action.'.length), v === true || v === 'true' || v === 1 ? '1' : '0')) }] : []),
          ...(others.length
            ? [{ name: 'attributes', children: others.map(([k, v]): XmlOut => ({ name: 'attribute', children: [leaf('name', k), leaf('value', text(v))] })) }]
            : []),
        ],
      };
    });
    const doc: XmlOut = {
      name: 'annotation',
      children: [
        leaf('folder', 'JPEGImages'),
        leaf('filename', name),
        { name: 'size', children: [leaf('width', String(img.width)), leaf('height', String(img.height)), leaf('depth', '3')] },
        leaf('segmented', '0'),
        ...objectEls,
      ],
    };
    files.push({ path: `Annotations/${stem}.xml`, content: writeXml(doc) });
  }
  for (const s of ['train', 'val', 'test'] as const) {
    if (splitLists[s].length) files.push({ path: `ImageSets/Main/${s}.txt`, content: splitLists[s].join('\n') + '\n' });
  }
  files.push({ path: 'labels.txt', content: dataset.classes.map((c) => c.replace(/[\r\n]/g, ' ')).join('\n') + '\n' });
  const entries: LabelmapEntry[] = dataset.classes
    .map((c, i) => ({ i, name: c, parts: partsOf.get(i) ?? [], actions: actionsOf.get(i) ?? [] }))
    .filter((e) => !isPartClass(e.i));
  files.push({ path: 'labelmap.txt', content: writeLabelmap(entries) });
  return { files, images: placements, skipped, ...(converted.length ? { converted } : {}) };
}
