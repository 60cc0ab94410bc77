/**
 * Pascal VOC XML (http://host.robots.ox.ac.uk/pascal/VOC/voc2012/devkit_doc.pdf, section 4):
 *   Annotations/<stem>.xml   <annotation><filename>a.jpg</filename>
 *                              <size><width/><height/><depth/></size>
 *                              <object><name/><truncated/><difficult/>
 *                                <bndbox><xmin/><ymin/><xmax/><ymax/></bndbox></object>...
 *   JPEGImages/<file>        the images
 *   ImageSets/Main/<split>.txt  stems of the images of each split (train, val, test)
 *   labels.txt               class order (written by Apprentice; CVAT's labelmap.txt also read)
 * Coordinates are pixels with the origin at the image's top-left corner, as LabelImg, CVAT
 * and Roboflow write them (no 1-based shift); decimals are accepted and written when needed.
 * `difficult` / `truncated` are kept when present and always written (0 by default).
 * Boxes only: polygons and tags are skipped when writing and listed in `skipped`.
 * Pixels come from the model's width/height (the EXIF-upright size); depth is written as 3.
 */
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isDirectory, isFile, parseWithSizes, readText, toPosix, walkFiles, writeOutput } from './io';
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetSplit } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult, type WrittenDataset } from './reports';
import { lookupSize, type SizeLookup, type SizeOf } from './sizes';
import { formatNumber, parseNumber } from './numbers';
import { checkPixelBox } from './geometry-checks';
import { className, ClassTable } from './classes';
import { ExportNames, stemOf } from './unique-names';
import { at, childElement, childElements, childText, parseXml, writeXml, XmlError, type XmlElement, type XmlOut } from './xml';

export interface VocInput {
  /** The XML files, in the order to read them. */
  files: { file: string; text: string }[];
  /** Class order (labels.txt); names not in it are appended in first-seen order. */
  classes?: readonly string[];
  /** Split per image stem (from ImageSets/Main). */
  splits?: ReadonlyMap<string, DatasetSplit>;
  /** How an XML's <filename> maps to the dataset's `file` (default: as written). */
  imagePath?: (xmlFile: string, filename: string) => string;
}

/** Parse VOC XML files; never throws. Sizes missing from a file are asked from `sizes`. */
export function parseVoc(input: VocInput, sizes?: SizeLookup): ParseResult {
  const table = new ClassTable(input.classes);
  const errors: FormatProblem[] = [];
  const images: DatasetImage[] = [];
  for (const { file, text } of input.files) {
    const img = parseVocFile(text, file, table, errors, input, sizes);
    if (img) images.push(img);
  }
  return { dataset: { classes: table.names, images }, errors };
}

function parseVocFile(
  text: string,
  file: string,
  table: ClassTable,
  errors: FormatProblem[],
  input: VocInput,
  sizes?: SizeLookup,
): DatasetImage | undefined {
  const problem = (where: string, reason: string): undefined => {
    errors.push({ file, where, reason });
    return undefined;
  };
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    if (err instanceof XmlError) return problem(`line ${err.line}:${err.column}`, `not well-formed XML: ${err.reason}`);
    throw err;
  }
  if (root.name !== 'annotation') return problem(at(root), `the root element is <${root.name}>, expected <annotation>`);
  const filename = childText(root, 'filename');
  if (!filename) return problem(at(root), 'missing <filename>');
  const imageFile = input.imagePath ? input.imagePath(file, filename) : filename;

  let width = 0;
  let height = 0;
  const sizeEl = childElement(root, 'size');
  if (sizeEl) {
    for (const dim of ['width', 'height'] as const) {
      const el = childElement(sizeEl, dim);
      const v = el ? parseNumber(el.text) : NaN;
      if (!el) return problem(at(sizeEl), `missing <${dim}> in <size>`);
      if (Number.isNaN(v)) return problem(at(el), `bad number "${el.text.trim()}" for the image ${dim}`);
      if (v < 0) return problem(at(el), `the image ${dim} must be positive, got ${v}`);
      if (dim === 'width') width = v;
      else height = v;
    }
  }
  if (width === 0 || height === 0) {
    // LabelImg and friends write 0 when they did not know: measure the image instead.
    const s = lookupSize(sizes, imageFile);
    if (typeof s === 'string') {
      if (childElements(root, 'object').length > 0) {
        return problem(sizeEl ? at(sizeEl) : at(root), `the image size is missing or 0 and ${s.replace(/^the image size is /, '')}`);
      }
    } else ({ width, height } = s);
  }

  const img: DatasetImage = { file: imageFile, width, height, annotations: [] };
  const split = input.splits?.get(stemOf(file)) ?? input.splits?.get(stemOf(filename));
  if (split) img.split = split;
  for (const obj of childElements(root, 'object')) {
    const name = childText(obj, 'name');
    if (!name) {
      problem(at(obj), 'an <object> without <name>');
      continue;
    }
    const box = childElement(obj, 'bndbox');
    if (!box) {
      problem(at(obj), `the object "${name}" has no <bndbox>`);
      continue;
    }
    const v: number[] = [];
    let bad = false;
    for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) {
      const el = childElement(box, k);
      if (!el) {
        problem(at(box), `missing <${k}> in <bndbox>`);
        bad = true;
        break;
      }
      const n = parseNumber(el.text);
      if (Number.isNaN(n)) {
        problem(at(el), `bad number "${el.text.trim()}" in <${k}>`);
        bad = true;
        break;
      }
      v.push(n);
    }
    if (bad) continue;
    const [xmin, ymin, xmax, ymax] = v as [number, number, number, number];
    if (xmax < xmin || ymax < ymin) {
      problem(at(box), `negative box size: xmax ${xmax} < xmin ${xmin} or ymax ${ymax} < ymin ${ymin}`);
      continue;
    }
    const b = checkPixelBox(xmin, ymin, xmax - xmin, ymax - ymin, { width, height });
    if (!b.ok) {
      problem(at(box), b.reason);
      continue;
    }
    const a: DatasetAnnotation = { kind: 'box', classIndex: table.indexOf(name), x: b.x, y: b.y, w: b.w, h: b.h };
    let flagsOk = true;
    for (const flag of ['difficult', 'truncated'] as const) {
      const el = childElement(obj, flag);
      if (!el) continue;
      const t = el.text.trim();
      if (t !== '0' && t !== '1') {
        problem(at(el), `<${flag}> must be 0 or 1, got "${t}"`);
        flagsOk = false;
      } else a[flag] = t === '1';
    }
    if (flagsOk) img.annotations.push(a);
  }
  return img;
}

/** Read a labels list: one name a line; CVAT's labelmap.txt ("name:r,g,b::") too. */
export function parseLabelList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (!l || /^#\s*label:/.test(l)) continue; // CVAT's header comment
    const cvat = /^(.*):[\d,\s]*:[^:]*:[^:]*$/.exec(l); // CVAT labelmap: name:r,g,b:parts:actions
    const name = cvat ? cvat[1]! : l;
    if (cvat && name === 'background') continue; // CVAT's implicit class
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writer

export function writeVoc(dataset: Dataset): WrittenDataset {
  const files: WrittenDataset['files'] = [];
  const placements: WrittenDataset['images'] = [];
  const skipped: FormatProblem[] = [];
  const names = new ExportNames();
  const splitLists: Record<DatasetSplit, string[]> = { train: [], val: [], test: [] };
  const leaf = (name: string, text: string): XmlOut => ({ name, text });
  for (const img of dataset.images) {
    const name = names.claim('JPEGImages', img.file);
    const stem = stemOf(name);
    placements.push({ file: img.file, to: `JPEGImages/${name}` });
    if (img.split) splitLists[img.split].push(stem);
    const objects: XmlOut[] = [];
    const known = img.width > 0 && img.height > 0;
    for (const a of img.annotations) {
      const cls = className(dataset, a, img.file);
      if (a.kind !== 'box') {
        skipped.push({ file: img.file, where: '', reason: `Pascal VOC holds boxes only; a ${a.kind} is not written` });
        continue;
      }
      if (!known) {
        skipped.push({ file: img.file, where: '', reason: 'the image size is unknown; the box cannot be written in pixels' });
        continue;
      }
      const f = formatNumber;
      objects.push({
        name: 'object',
        children: [
          leaf('name', cls),
          leaf('pose', 'Unspecified'),
          leaf('truncated', a.truncated ? '1' : '0'),
          leaf('difficult', a.difficult ? '1' : '0'),
          {
            name: 'bndbox',
            children: [
              leaf('xmin', f(a.x * img.width)),
              leaf('ymin', f(a.y * img.height)),
              leaf('xmax', f((a.x + a.w) * img.width)),
              leaf('ymax', f((a.y + a.h) * img.height)),
            ],
          },
        ],
      });
    }
    const doc: XmlOut = {
      name: 'annotation',
      children: [
        leaf('folder', 'JPEGImages'),
        leaf('filename', name),
        {
          name: 'size',
          children: [leaf('width', String(img.width)), leaf('height', String(img.height)), leaf('depth', '3')],
        },
        leaf('segmented', '0'),
        ...objects,
      ],
    };
    files.push({ path: `Annotations/${stem}.xml`, content: writeXml(doc) });
  }
  for (const s of ['train', 'val', 'test'] as const) {
    if (splitLists[s].length) files.push({ path: `ImageSets/Main/${s}.txt`, content: splitLists[s].join('\n') + '\n' });
  }
  files.push({ path: 'labels.txt', content: dataset.classes.map((c) => c.replace(/[\r\n]/g, ' ')).join('\n') + '\n' });
  return { files, images: placements, skipped };
}

// ---------------------------------------------------------------------------------------------
// Files

export interface VocReadOptions {
  sizeOf?: SizeOf;
  classes?: readonly string[];
  /** Measure images outside the dataset folder too (symlinks, `..`, absolute paths); off by default. */
  followLinks?: boolean;
}

function looksLikeVoc(text: string): boolean {
  return /<annotation[\s>]/.test(text.slice(0, 4096));
}

export async function detectVoc(path: string): Promise<boolean> {
  if (await isDirectory(path)) {
    if (await isDirectory(join(path, 'Annotations'))) return true;
    const xml = (await walkFiles(path)).find((f) => f.toLowerCase().endsWith('.xml'));
    if (!xml) return false;
    const t = await readText(join(path, xml));
    return 'text' in t && looksLikeVoc(t.text);
  }
  if (!path.toLowerCase().endsWith('.xml')) return false;
  const t = await readText(path);
  return 'text' in t && looksLikeVoc(t.text);
}

/**
 * Read a VOC folder (Annotations/*.xml, or every *.xml below it) or one XML file. Images are
 * looked for in JPEGImages/, beside the XML, then at the root; `file` is relative to `root`.
 */
export async function readVoc(path: string, opts: VocReadOptions = {}): Promise<ParseResult & { root: string }> {
  const errors: FormatProblem[] = [];
  let root: string;
  let xmls: string[];
  if (await isDirectory(path)) {
    root = resolve(path);
    const all = await walkFiles(root, errors);
    const inAnnotations = all.filter((f) => f.startsWith('Annotations/') && f.toLowerCase().endsWith('.xml'));
    xmls = (inAnnotations.length ? inAnnotations : all.filter((f) => f.toLowerCase().endsWith('.xml'))).map((f) => join(root, f));
  } else if (await isFile(path)) {
    root = dirname(resolve(path));
    if (basename(root) === 'Annotations') root = dirname(root);
    xmls = [resolve(path)];
  } else return { ...emptyResult(path, 'no such file or folder'), root: resolve(path) };

  let classes = opts.classes ? [...opts.classes] : undefined;
  for (const n of ['labels.txt', 'labelmap.txt', 'classes.txt']) {
    if (classes) break;
    const t = await readText(join(root, n));
    if ('text' in t) classes = parseLabelList(t.text);
  }
  const splits = new Map<string, DatasetSplit>();
  const multi = new Set<string>();
  for (const s of ['train', 'val', 'test'] as const) {
    const t = await readText(join(root, 'ImageSets', 'Main', `${s}.txt`));
    if (!('text' in t)) continue;
    for (const line of t.text.split(/\r?\n/)) {
      const stem = line.trim().split(/\s+/)[0];
      if (!stem) continue;
      if (splits.has(stem) && splits.get(stem) !== s) multi.add(stem);
      splits.set(stem, s);
    }
  }
  for (const m of multi) splits.delete(m);

  const files: VocInput['files'] = [];
  for (const x of xmls) {
    const t = await readText(x);
    if ('error' in t) errors.push({ file: x, where: '', reason: t.error });
    else files.push({ file: x, text: t.text });
  }
  const resolved = new Map<string, string>();
  for (const f of files) {
    let name: string | undefined;
    try {
      name = childText(parseXml(f.text), 'filename');
    } catch {
      continue; // reported by the parser
    }
    if (!name) continue;
    for (const c of [join(root, 'JPEGImages', name), join(dirname(f.file), name), join(root, name)]) {
      if (await isFile(c)) {
        resolved.set(`${f.file}\0${name}`, toPosix(relative(root, c)));
        break;
      }
    }
  }
  const imagePath = (xml: string, name: string): string => resolved.get(`${xml}\0${name}`) ?? name;
  const result = await parseWithSizes((sizes) => parseVoc({ files, classes, splits, imagePath }, sizes), root, opts.sizeOf, opts.followLinks);
  return { dataset: result.dataset, errors: [...errors, ...result.errors], root };
}

/** Write Annotations/, ImageSets/Main/ and labels.txt under `outDir`. */
export async function writeVocFiles(dataset: Dataset, outDir: string): Promise<WrittenDataset & { root: string }> {
  const out = writeVoc(dataset);
  await writeOutput(resolve(outDir), out);
  return { ...out, root: resolve(outDir) };
}
