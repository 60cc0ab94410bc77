/**
 * Pascal VOC XML (http://host.robots.ox.ac.uk/pascal/VOC/voc2012/devkit_doc.pdf, section 4), as
 * the devkit, LabelImg, CVAT/Datumaro and Roboflow write it:
 *   Annotations/<stem>.xml   <annotation><filename>a.jpg</filename>
 *                              <size><width/><height/><depth/></size>
 *                              <object>...</object>...   (one object: voc-objects.ts)
 *   JPEGImages/<file>        the images
 *   ImageSets/Main/<split>.txt  stems of the images of each split (train, val, test)
 *   labels.txt / labelmap.txt   class order (voc-labelmap.ts)
 * Coordinates are pixels with the origin at the image's top-left corner, as LabelImg, CVAT
 * and Roboflow write them (no 1-based shift); decimals are accepted and written when needed.
 * The writer is voc-write.ts. Pixels come from the model's width/height (the EXIF-upright size).
 */
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isDirectory, isFile, parseWithSizes, readText, toPosix, walkFiles, writeOutput } from './io';
import type { Dataset, DatasetImage, DatasetSplit } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult, type WrittenDataset } from './reports';
import { lookupSize, type SizeLookup, type SizeOf } from './sizes';
import { parseNumber } from './numbers';
import { ClassTable } from './classes';
import { stemOf } from './unique-names';
import { parseLabelList } from './voc-labelmap';
import { readVocObject } from './voc-objects';
import { writeVoc } from './voc-write';
import { at, childElement, childElements, childText, parseXml, XmlError, type XmlElement } from './xml';

export { parseLabelList, writeVoc };

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
  let group = 0;
  const ctx = { size: { width, height }, classIndex: (n: string) => table.indexOf(n), problem, nextGroup: () => ++group };
  for (const obj of childElements(root, 'object')) img.annotations.push(...readVocObject(obj, ctx));
  return img;
}

// ---------------------------------------------------------------------------------------------
// Files

export interface VocReadOptions {
  sizeOf?: SizeOf;
  classes?: readonly string[];
  /** Measure images outside the dataset folder too (symlinks, `..`, absolute paths); off by default. */
  followLinks?: boolean;
  /** The folder the images are in (`--images-root`), looked in before JPEGImages/. */
  imagesRoot?: string;
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
 * looked for in `imagesRoot` when given, JPEGImages/, beside the XML, then at the root; `file` is
 * relative to `root` (absolute when under `imagesRoot` elsewhere). An XML whose image is found
 * nowhere is reported and left out; so is a stem ImageSets/Main lists without an XML.
 */
export async function readVoc(path: string, opts: VocReadOptions = {}): Promise<ParseResult & { root: string; imageRoots?: string[] }> {
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

  // The project's classes first (an empty project has none), then the dataset's own list in its
  // order (the first of labels.txt, labelmap.txt, classes.txt found), used or not.
  let listed: string[] | undefined;
  for (const n of ['labels.txt', 'labelmap.txt', 'classes.txt']) {
    const t = await readText(join(root, n));
    if ('text' in t) {
      listed = parseLabelList(t.text);
      break;
    }
  }
  const known = [...(opts.classes ?? []), ...(listed ?? [])];
  const classes = known.length ? [...new Set(known)] : undefined;
  const lists = await readImageSets(root, errors);
  const splits = new Map<string, DatasetSplit>();
  for (const [stem, { split }] of lists) if (split) splits.set(stem, split);

  const files: VocInput['files'] = [];
  const resolved = new Map<string, string>();
  const xmlStems = new Set<string>();
  for (const x of xmls) {
    const t = await readText(x);
    if ('error' in t) {
      errors.push({ file: x, where: '', reason: t.error });
      continue;
    }
    xmlStems.add(stemOf(x));
    // Where the image is: JPEGImages/, beside the XML, the root. Not found: the objects have nowhere to go.
    const doc = filenameOf(t.text);
    if (doc) {
      xmlStems.add(stemOf(doc.name));
      let found: string | undefined;
      const extra = opts.imagesRoot ? [join(resolve(opts.imagesRoot), doc.name)] : [];
      for (const c of [...extra, join(root, 'JPEGImages', doc.name), join(dirname(x), doc.name), join(root, doc.name)]) {
        if (await isFile(c)) {
          const rel = toPosix(relative(root, c));
          found = rel.startsWith('../') || isAbsolute(rel) ? c : rel; // under --images-root elsewhere: absolute
          break;
        }
      }
      if (!found) {
        const lost = doc.objects ? `; its ${doc.objects} object(s) are not imported` : '';
        errors.push({ file: x, where: doc.where, reason: `the image "${doc.name}" is not found in ${opts.imagesRoot ? `${opts.imagesRoot}, ` : ''}JPEGImages/, beside the XML or at the root${lost}` });
        continue;
      }
      resolved.set(`${x}\0${doc.name}`, found);
    }
    files.push({ file: x, text: t.text });
  }
  for (const [stem, { file, where }] of lists) {
    if (!xmlStems.has(stem)) errors.push({ file, where, reason: `"${stem}" is listed but has no Annotations/${stem}.xml; it is not imported` });
  }
  const imagePath = (xml: string, name: string): string => resolved.get(`${xml}\0${name}`) ?? name;
  const result = await parseWithSizes((sizes) => parseVoc({ files, classes, splits, imagePath }, sizes), root, opts.sizeOf, opts.followLinks);
  const imageRoots = opts.imagesRoot && resolve(opts.imagesRoot) !== root ? { imageRoots: [resolve(opts.imagesRoot), root] } : {};
  return { dataset: result.dataset, errors: [...errors, ...result.errors], root, ...imageRoots };
}

/** <filename> of a VOC file, where it is, and how many objects depend on it; undefined if unreadable (the parser says why). */
function filenameOf(text: string): { name: string; where: string; objects: number } | undefined {
  try {
    const root = parseXml(text);
    const el = childElement(root, 'filename');
    const name = el?.text.trim();
    return name ? { name, where: at(el!), objects: childElements(root, 'object').length } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * ImageSets/Main/{train,val,test,default}.txt: the stem of each listed image, its split (none
 * for Datumaro's "default") and where it is listed. A stem in two splits keeps none (reported).
 */
async function readImageSets(root: string, errors: FormatProblem[]): Promise<Map<string, { split?: DatasetSplit; file: string; where: string }>> {
  const out = new Map<string, { split?: DatasetSplit; file: string; where: string }>();
  for (const s of ['train', 'val', 'test', 'default'] as const) {
    const file = join(root, 'ImageSets', 'Main', `${s}.txt`);
    const t = await readText(file);
    if (!('text' in t)) continue;
    t.text.split(/\r?\n/).forEach((line, i) => {
      const listed = line.trim().split(/\s+/)[0];
      if (!listed) return;
      const stem = stemOf(listed);
      const split = s === 'default' ? undefined : s;
      const before = out.get(stem);
      if (before && before.split !== split) {
        errors.push({ file, where: `line ${i + 1}`, reason: `"${stem}" is also listed in ${before.split ?? 'default'}.txt (${before.where}); it keeps no split` });
        out.set(stem, { file: before.file, where: before.where });
      } else if (!before) out.set(stem, { split, file, where: `line ${i + 1}` });
    });
  }
  return out;
}

/** Write Annotations/, ImageSets/Main/ and labels.txt under `outDir`. */
export async function writeVocFiles(dataset: Dataset, outDir: string): Promise<WrittenDataset & { root: string }> {
  const out = writeVoc(dataset);
  await writeOutput(resolve(outDir), out);
  return { ...out, root: resolve(outDir) };
}
