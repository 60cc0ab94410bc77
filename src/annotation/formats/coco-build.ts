/**
 * COCO's three lists read element by element into the neutral model, so a file can be fed from
 * JSON.parse (coco.ts) or from a token stream (coco-stream.ts) with the same checks and messages.
 * Elements may come in any order: pycocotools files put `categories` LAST, so an annotation seen
 * before the categories ended gets its class when they have (an unknown category id is then
 * reported at the end, at the annotation's own path); one seen before its image is kept aside
 * whole until the images ended (rare; that layout is not memory-bounded). Errors are sorted back
 * into file order (categories, images, annotations, each by index) whatever the feeding order.
 */
import type { AttributeValue, DatasetAnnotation, DatasetImage, DatasetSplit } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult } from './reports';
import { checkPixelBox, checkPolygon } from './geometry-checks';
import { ClassTable } from './classes';
import { decodeRleString, rleArea, rleProblem } from './rle';

export interface CocoParseOptions {
  /** Split given to every image (COCO keeps splits in separate files). */
  split?: DatasetSplit;
  /** Known class order to keep (e.g. the project's classes); new names are appended. */
  classes?: readonly string[];
}

export type CocoList = 'images' | 'annotations' | 'categories';
export const COCO_LISTS: readonly CocoList[] = ['images', 'annotations', 'categories'];

/** The parse result plus, for each image, its index in the file's `images` list (for messages). */
export interface CocoParsed extends ParseResult {
  imageAt: number[];
}

type Json = unknown;
type Extras = Pick<DatasetAnnotation, 'iscrowd' | 'score' | 'attributes'>;

export function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idKey(v: Json): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return `n${v}`;
  if (typeof v === 'string' && v !== '') return `s${v}`;
  return undefined;
}

function show(v: Json): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/** `.name` or `["odd name"]`, as a JSON path step. */
function step(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

const RANK: Record<CocoList | 'file' | 'summary', number> = { file: 0, categories: 1, images: 2, annotations: 3, summary: 4 };

export class CocoBuilder {
  private errors: { p: FormatProblem; rank: number; index: number }[] = [];
  private seen = new Set<CocoList>();
  private ended = new Set<CocoList>();
  private fatal: FormatProblem | undefined;

  private cats: { id: number | string; name: string; at: string; index: number }[] = [];
  private catKeys = new Set<string>();
  private catIndex: Map<string, number> | undefined;
  private classes: string[] = [];
  private classIds: number[] | undefined;

  private images: DatasetImage[] = [];
  private imageAt: number[] = [];
  private byId = new Map<string, DatasetImage>();
  private rejected = new Map<string, string>();
  private files = new Set<string>();

  /** Annotations whose class waits for the categories: parallel arrays (few objects per annotation). */
  private pendingAnn: DatasetAnnotation[] = [];
  private pendingCat: (number | string)[] = [];
  private pendingIndex: number[] = [];
  private pendingImage: DatasetImage[] = [];
  /** Annotations seen before the images ended whose image was not known yet. */
  private waiting: { a: Record<string, Json>; index: number }[] = [];
  private keypoints = 0;

  constructor(
    private readonly file: string,
    private readonly opts: CocoParseOptions = {},
  ) {}

  private problem(rank: keyof typeof RANK, index: number, where: string, reason: string): void {
    this.errors.push({ p: { file: this.file, where, reason }, rank: RANK[rank], index });
  }

  /** The document itself is unusable (not an object, a list that is not a list): nothing is read. */
  fail(reason: string, where = ''): void {
    this.fatal ??= { file: this.file, where, reason };
  }

  /** A top-level key held something else than a list. */
  notList(list: CocoList): void {
    this.seen.add(list);
    if (list === 'annotations') this.fail('"annotations" is not a list', 'annotations');
    else this.fail(`there is no "${list}" list`, list);
  }

  startList(list: CocoList): void {
    this.seen.add(list);
  }

  endList(list: CocoList): void {
    this.ended.add(list);
    if (list === 'categories') this.categoriesEnded();
  }

  element(list: CocoList, v: Json, i: number): void {
    if (list === 'categories') this.category(v, i);
    else if (list === 'images') this.image(v, i);
    else this.annotation(v, i);
  }

  private category(c: Json, i: number): void {
    const at = `categories[${i}]`;
    const problem = (where: string, reason: string): void => this.problem('categories', i, where, reason);
    if (!isObject(c)) return problem(at, 'a category must be an object with id and name');
    const key = idKey(c.id);
    if (key === undefined || (typeof c.id === 'number' && !Number.isInteger(c.id))) {
      return problem(`${at}.id`, `bad category id ${show(c.id)}`);
    }
    if (typeof c.name !== 'string' || c.name.trim() === '') return problem(`${at}.name`, 'the category has no name');
    if (this.catKeys.has(key)) return problem(`${at}.id`, `duplicate category id ${show(c.id)}`);
    this.catKeys.add(key);
    this.cats.push({ id: c.id as number | string, name: c.name, at, index: i });
  }

  /** Classes follow ascending category id; every category is a class, used or not. */
  private categoriesEnded(): void {
    const cats = [...this.cats].sort((a, b) =>
      typeof a.id === 'number' && typeof b.id === 'number' ? a.id - b.id : String(a.id).localeCompare(String(b.id)),
    );
    const table = new ClassTable(this.opts.classes);
    const catIndex = new Map<string, number>();
    const seenNames = new Map<string, number | string>();
    const idOf = new Map<number, number>();
    for (const c of cats) {
      const prev = seenNames.get(c.name);
      const index = table.indexOf(c.name);
      if (prev !== undefined) {
        this.problem('categories', c.index, `${c.at}.name`, `category name "${c.name}" is also used by id ${prev}; both are read as one class`);
      } else {
        seenNames.set(c.name, c.id);
        if (typeof c.id === 'number') idOf.set(index, c.id);
      }
      catIndex.set(idKey(c.id)!, index);
    }
    this.catIndex = catIndex;
    this.classes = table.names;
    // Source ids, parallel to the classes, when the file numbers them all (string ids: none kept).
    // A known class the file does not declare gets the next free id, so ids stay unique on export.
    if (cats.length > 0 && cats.every((c) => typeof c.id === 'number')) {
      let next = Math.max(0, ...idOf.values()) + 1;
      this.classIds = table.names.map((_, i) => idOf.get(i) ?? next++);
    }
  }

  private image(im: Json, i: number): void {
    const at = `images[${i}]`;
    const problem = (where: string, reason: string): void => this.problem('images', i, where, reason);
    if (!isObject(im)) return problem(at, 'an image must be an object with id, file_name, width and height');
    const key = idKey(im.id);
    if (key === undefined) return problem(`${at}.id`, `bad image id ${show(im.id)}`);
    const reject = (where: string, reason: string): void => {
      this.rejected.set(key, at);
      problem(where, reason);
    };
    if (this.byId.has(key) || this.rejected.has(key)) return problem(`${at}.id`, `duplicate image id ${show(im.id)}`);
    if (typeof im.file_name !== 'string' || im.file_name.trim() === '') return reject(`${at}.file_name`, 'the image has no file_name');
    for (const dim of ['width', 'height'] as const) {
      const v = im[dim];
      if (typeof v !== 'number' || !Number.isFinite(v)) return reject(`${at}.${dim}`, `bad number ${show(v)} for the image ${dim}`);
      if (v <= 0) return reject(`${at}.${dim}`, `the image ${dim} must be positive, got ${v}`);
    }
    if (this.files.has(im.file_name)) return reject(`${at}.file_name`, `duplicate file_name "${im.file_name}"`);
    this.files.add(im.file_name);
    const img: DatasetImage = { file: im.file_name, width: im.width as number, height: im.height as number, annotations: [] };
    if (this.opts.split) img.split = this.opts.split;
    this.images.push(img);
    this.imageAt.push(i);
    this.byId.set(key, img);
  }

  private annotation(a: Json, i: number): void {
    const at = `annotations[${i}]`;
    const problem = (where: string, reason: string): void => this.problem('annotations', i, where, reason);
    if (!isObject(a)) return problem(at, 'an annotation must be an object');
    if (a.image_id === undefined) return problem(at, 'the annotation has no image_id');
    if (a.category_id === undefined) return problem(at, 'the annotation has no category_id');
    const imgKey = idKey(a.image_id);
    const img = imgKey === undefined ? undefined : this.byId.get(imgKey);
    if (!img) {
      if (!this.ended.has('images') && imgKey !== undefined) {
        this.waiting.push({ a, index: i });
        return;
      }
      const rej = imgKey === undefined ? undefined : this.rejected.get(imgKey);
      return problem(
        `${at}.image_id`,
        rej ? `image id ${show(a.image_id)} was rejected (see ${rej})` : `missing image entry: no image has id ${show(a.image_id)}`,
      );
    }
    const catKey = idKey(a.category_id);
    let classIndex = -1;
    if (this.catIndex) {
      const known = catKey === undefined ? undefined : this.catIndex.get(catKey);
      if (known === undefined) return problem(`${at}.category_id`, `unknown category id ${show(a.category_id)}`);
      classIndex = known;
    } else if (catKey === undefined) return problem(`${at}.category_id`, `unknown category id ${show(a.category_id)}`);

    const extras: Extras = {};
    if (a.iscrowd !== undefined) {
      if (a.iscrowd === 1 || a.iscrowd === true) extras.iscrowd = true; // 0 is the default: not stored
      else if (a.iscrowd !== 0 && a.iscrowd !== false) return problem(`${at}.iscrowd`, `iscrowd must be 0 or 1, got ${show(a.iscrowd)}`);
    }
    if (a.score !== undefined) {
      if (typeof a.score !== 'number' || !Number.isFinite(a.score)) return problem(`${at}.score`, `bad number ${show(a.score)}`);
      extras.score = a.score;
    }
    if (a.attributes !== undefined && a.attributes !== null) {
      if (!isObject(a.attributes)) problem(`${at}.attributes`, `attributes must be an object of names and values, got ${show(a.attributes)}`);
      else {
        const attrs: Record<string, AttributeValue> = {};
        for (const [k, v] of Object.entries(a.attributes)) {
          if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) attrs[k] = v;
          else problem(`${at}.attributes${step(k)}`, `an attribute value must be text, a number or true/false, got ${show(v)}; the attribute is not imported`);
        }
        if (Object.keys(attrs).length > 0) extras.attributes = attrs;
      }
    }
    if (Array.isArray(a.keypoints) && a.keypoints.length > 0) this.keypoints++;

    const made = this.geometry(a, at, img, classIndex, extras, problem);
    for (const ann of made) {
      img.annotations.push(ann);
      if (classIndex < 0) {
        this.pendingAnn.push(ann);
        this.pendingCat.push(a.category_id as number | string);
        this.pendingIndex.push(i);
        this.pendingImage.push(img);
      }
    }
  }

  /** Polygons (one annotation per ring), an RLE mask, or the bbox; [] after reporting a problem. */
  private geometry(
    a: Record<string, Json>, at: string, img: DatasetImage, classIndex: number, extras: Extras,
    problem: (where: string, reason: string) => void,
  ): DatasetAnnotation[] {
    const size = { width: img.width, height: img.height };
    const seg = a.segmentation;
    if (isObject(seg)) {
      const mask = this.mask(seg, `${at}.segmentation`, img, problem);
      return mask ? [{ kind: 'mask', classIndex, mask, ...extras }] : [];
    }
    if (Array.isArray(seg) && seg.length > 0) {
      const rings: Json[] = seg.every((s) => typeof s === 'number') ? [seg] : seg;
      const out: DatasetAnnotation[] = [];
      rings.forEach((ring, k) => {
        const rat = `${at}.segmentation${rings === seg ? `[${k}]` : ''}`;
        if (!Array.isArray(ring)) return problem(rat, 'a polygon must be a list of numbers [x1, y1, x2, y2, ...]');
        const bad = ring.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
        if (bad >= 0) return problem(`${rat}[${bad}]`, `bad number ${show(ring[bad])}`);
        const p = checkPolygon(ring as number[], size);
        if (!p.ok) return problem(rat, p.reason);
        out.push({ kind: 'polygon', classIndex, points: p.points, ...extras });
      });
      return out;
    }
    if (seg !== undefined && seg !== null && !Array.isArray(seg)) {
      problem(`${at}.segmentation`, `segmentation must be a list of polygons or an RLE mask, got ${show(seg)}`);
      return [];
    }
    const bbox = a.bbox;
    if (!Array.isArray(bbox)) {
      problem(`${at}.bbox`, bbox === undefined ? 'the annotation has neither bbox nor segmentation' : `bbox must be [x, y, width, height], got ${show(bbox)}`);
      return [];
    }
    if (bbox.length !== 4) {
      problem(`${at}.bbox`, `bbox must have 4 numbers [x, y, width, height], it has ${bbox.length}`);
      return [];
    }
    const bad = bbox.findIndex((v: Json) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) {
      problem(`${at}.bbox[${bad}]`, `bad number ${show(bbox[bad])}`);
      return [];
    }
    const [x, y, w, h] = bbox as [number, number, number, number];
    const b = checkPixelBox(x, y, w, h, size);
    if (w < 0) problem(`${at}.bbox[2]`, `negative width ${w}`);
    else if (h < 0) problem(`${at}.bbox[3]`, `negative height ${h}`);
    else if (!b.ok) problem(`${at}.bbox`, b.reason);
    if (w < 0 || h < 0 || !b.ok) return [];
    return [{ kind: 'box', classIndex, x: b.x, y: b.y, w: b.w, h: b.h, ...extras }];
  }

  /** `{ size: [h, w], counts: [...] | "..." }` -> the uncompressed mask of the model. */
  private mask(seg: Record<string, Json>, at: string, img: DatasetImage, problem: (where: string, reason: string) => void) {
    const sz = seg.size;
    if (!Array.isArray(sz) || sz.length !== 2 || !sz.every((v) => Number.isInteger(v) && (v as number) > 0)) {
      return problem(`${at}.size`, `an RLE mask needs "size": [height, width] in whole pixels, got ${show(sz)}`);
    }
    const [height, width] = sz as [number, number];
    if (width !== img.width || height !== img.height) {
      return problem(`${at}.size`, `the mask is ${width}x${height} but the image is ${img.width}x${img.height}`);
    }
    let counts: number[];
    if (typeof seg.counts === 'string') {
      const d = decodeRleString(seg.counts);
      if ('error' in d) return problem(`${at}.counts`, d.error);
      counts = d;
    } else if (Array.isArray(seg.counts)) {
      const bad = seg.counts.findIndex((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0);
      if (bad >= 0) return problem(`${at}.counts[${bad}]`, `bad run ${show(seg.counts[bad])}; runs are whole numbers >= 0`);
      counts = seg.counts as number[];
    } else {
      return problem(`${at}.counts`, `RLE counts must be a list of runs or pycocotools' compressed string, got ${show(seg.counts)}`);
    }
    const why = rleProblem(counts, width, height);
    if (why) return problem(`${at}.counts`, why);
    if (rleArea(counts) === 0) return problem(`${at}.counts`, 'the mask has no foreground pixel');
    return { counts, width, height };
  }

  finish(): CocoParsed {
    const none = (r: ParseResult): CocoParsed => ({ ...r, imageAt: [] });
    if (this.fatal) return none({ dataset: { classes: [], images: [] }, errors: [this.fatal] });
    if (!this.seen.has('images')) return none(emptyResult(this.file, 'there is no "images" list', 'images'));
    if (!this.seen.has('categories')) return none(emptyResult(this.file, 'there is no "categories" list', 'categories'));
    if (!this.catIndex) this.categoriesEnded();
    this.ended.add('images');
    for (const { a, index } of this.waiting) this.annotation(a, index);
    this.waiting = [];

    const dropped = new Set<DatasetAnnotation>();
    const touched = new Set<DatasetImage>();
    let reported = -1; // one line per annotation, also when its polygon had several rings
    this.pendingAnn.forEach((ann, k) => {
      const cat = this.pendingCat[k]!;
      const index = this.catIndex!.get(idKey(cat)!);
      if (index !== undefined) {
        ann.classIndex = index;
        return;
      }
      dropped.add(ann);
      touched.add(this.pendingImage[k]!);
      const i = this.pendingIndex[k]!;
      if (i !== reported) this.problem('annotations', i, `annotations[${i}].category_id`, `unknown category id ${show(cat)}`);
      reported = i;
    });
    for (const img of touched) img.annotations = img.annotations.filter((a) => !dropped.has(a));

    if (this.keypoints > 0) {
      this.problem('summary', 0, 'annotations', `${this.keypoints} annotation${this.keypoints === 1 ? ' carries' : 's carry'} keypoints; keypoints are not imported (their boxes, polygons and masks are)`);
    }
    this.errors.sort((x, y) => x.rank - y.rank || x.index - y.index);
    const dataset: ParseResult['dataset'] = { classes: this.classes, images: this.images };
    if (this.classIds) dataset.classIds = this.classIds;
    return { dataset, errors: this.errors.map((e) => e.p), imageAt: this.imageAt };
  }
}
