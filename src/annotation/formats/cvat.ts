/**
 * CVAT for images 1.1, read only (https://docs.cvat.ai/docs/other/xml_format/), task, job and
 * project exports alike:
 *   <annotations><version>1.1</version>
 *     <meta><task|job|project>...<labels><label><name>cat</name>...</label></labels>...</meta>
 *     <image id="0" name="a.jpg" [subset="Train" task_id="3"] width="640" height="480">
 *       <box label="cat" source="manual" occluded="0" xtl="1" ytl="2" xbr="30" ybr="40" z_order="0"/>
 *       <polygon|polyline|points label="cat" points="1,2;30,4;5,60" .../>  <mask ... rle=".."/>  <tag label="cat"/>
 *     </image>
 *   </annotations>
 * A project export puts its images under images/<Subset>/<name>; one name may appear in several
 * subsets (each is its own image). Subsets become splits (Train -> train, Validation -> val,
 * Test -> test; CVAT's "default" is no split); any other subset name is reported once.
 * Class order: the labels in <meta>, then names first seen. Shapes: see cvat-shapes.ts;
 * ellipses, cuboids and skeletons are reported as not supported.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isDirectory, isFile, readText, toPosix } from './io';
import type { DatasetAnnotation, DatasetImage } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult } from './reports';
import { parseNumber } from './numbers';
import { ClassTable, splitFromName } from './classes';
import { readCvatMeta } from './cvat-meta';
import { CVAT_SHAPES, readCvatShape } from './cvat-shapes';
import { at, childElement, childElements, parseXml, XmlError, type XmlElement } from './xml';

const NOT_SUPPORTED: Record<string, string> = {
  ellipse: 'an ellipse has no polygon or box form here',
  cuboid: 'a 3D cuboid has no form in the model',
  skeleton: 'skeletons (keypoints with edges) have no form in the model',
};

/** What the file layer needs beside the dataset: where each image was and its subset. */
export interface CvatParse extends ParseResult {
  origins: { subset?: string; line: string }[];
}

export function parseCvat(text: string, file: string, opts: { classes?: readonly string[] } = {}): ParseResult {
  const { dataset, errors } = parseCvatWithOrigins(text, file, opts);
  return { dataset, errors };
}

export function parseCvatWithOrigins(text: string, file: string, opts: { classes?: readonly string[] } = {}): CvatParse {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    if (err instanceof XmlError) return { ...emptyResult(file, `not well-formed XML: ${err.reason}`, `line ${err.line}:${err.column}`), origins: [] };
    throw err;
  }
  if (root.name !== 'annotations') return { ...emptyResult(file, `the root element is <${root.name}>, expected <annotations>`, at(root)), origins: [] };
  const errors: FormatProblem[] = [];
  const problem = (el: XmlElement, reason: string): void => {
    errors.push({ file, where: at(el), reason });
  };
  const versionEl = childElement(root, 'version');
  const version = versionEl?.text.trim();
  if (versionEl && version !== '1.1') problem(versionEl, `version ${version}: only CVAT for images 1.1 is known; reading it as 1.1`);
  const tracks = childElements(root, 'track');
  if (tracks.length > 0) problem(tracks[0]!, `${tracks.length} track(s) (CVAT for video) are not supported; export the task as "CVAT for images"`);
  const meta = readCvatMeta(root);
  const isProject = !!childElement(childElement(root, 'meta') ?? root, 'project');
  // A task export names its one subset in the meta only.
  const taskSubset = !isProject && meta.subsets.length === 1 ? meta.subsets[0] : undefined;
  const table = new ClassTable([...(opts.classes ?? []), ...meta.labels]);
  const images: DatasetImage[] = [];
  const origins: CvatParse['origins'] = [];
  const seen = new Set<string>();
  const unknownSubsets = new Map<string, { el: XmlElement; count: number }>();

  for (const im of childElements(root, 'image')) {
    const name = im.attrs.get('name')?.trim();
    if (!name) {
      problem(im, 'an <image> without a name');
      continue;
    }
    const subset = im.attrs.get('subset')?.trim() || taskSubset;
    const key = `${subset ?? ''}\0${name}`;
    if (seen.has(key)) {
      problem(im, `the image "${name}"${subset ? ` of subset "${subset}"` : ''} appears twice; the second is ignored`);
      continue;
    }
    const dims: number[] = [];
    for (const d of ['width', 'height']) {
      const raw = im.attrs.get(d);
      const v = raw === undefined ? NaN : parseNumber(raw);
      if (raw === undefined) problem(im, `the image "${name}" has no ${d}`);
      else if (Number.isNaN(v)) problem(im, `bad number "${raw}" for the ${d} of "${name}"`);
      else if (v <= 0) problem(im, `the ${d} of "${name}" must be positive, got ${v}`);
      else dims.push(v);
    }
    if (dims.length !== 2) continue;
    seen.add(key);
    const size = { width: dims[0]!, height: dims[1]! };
    const img: DatasetImage = { file: name, width: size.width, height: size.height, annotations: [] };
    const split = splitFromName(subset);
    if (split) img.split = split;
    else if (subset && subset.toLowerCase() !== 'default') {
      const u = unknownSubsets.get(subset);
      if (u) u.count++;
      else unknownSubsets.set(subset, { el: im, count: 1 });
    }
    images.push(img);
    origins.push({ subset, line: at(im) });
    readShapes(im, name, img, size);
  }
  for (const [subset, { el, count }] of unknownSubsets) {
    problem(el, `the subset "${subset}" is not Train, Validation or Test: its ${count} image(s) are imported without a split`);
  }
  return { dataset: { classes: table.names, images }, errors, origins };

  function readShapes(im: XmlElement, name: string, img: DatasetImage, size: { width: number; height: number }): void {
    for (const el of im.children) {
      if (NOT_SUPPORTED[el.name]) {
        problem(el, `not supported: <${el.name}> in image "${name}" (${NOT_SUPPORTED[el.name]}); it is not imported`);
        continue;
      }
      if (!CVAT_SHAPES.has(el.name)) {
        problem(el, `an unknown element <${el.name}> in image "${name}" is ignored`);
        continue;
      }
      const label = el.attrs.get('label')?.trim();
      if (!label) {
        problem(el, `a <${el.name}> without a label in image "${name}"; it is not imported`);
        continue;
      }
      const r = readCvatShape(el, { size, classIndex: table.indexOf(label), attributeTypes: meta.attributeTypes.get(label), problem });
      if (!r) continue;
      if ('error' in r) problem(el, r.error);
      else if (r.kind !== 'tag' || !img.annotations.some((a) => sameTag(a, r))) img.annotations.push(r);
    }
  }
}

/** The same tag twice on an image is one tag (CVAT allows it; nothing is lost). */
function sameTag(a: DatasetAnnotation, b: DatasetAnnotation): boolean {
  return a.kind === 'tag' && JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// Files

async function cvatFileOf(path: string): Promise<string | undefined> {
  if (await isDirectory(path)) return (await isFile(join(path, 'annotations.xml'))) ? join(path, 'annotations.xml') : undefined;
  return path.toLowerCase().endsWith('.xml') && (await isFile(path)) ? path : undefined;
}

export async function detectCvat(path: string): Promise<boolean> {
  const f = await cvatFileOf(path);
  if (!f) return false;
  const t = await readText(f);
  return 'text' in t && /<annotations[\s>]/.test(t.text.slice(0, 4096));
}

/**
 * Read annotations.xml (or a folder holding it, as CVAT exports it with images/). An image is
 * looked for in `imagesRoot`/<subset>/ and `imagesRoot` when given, then images/<subset>/,
 * images/, beside the XML; `file` is relative to `root` (absolute when under `imagesRoot` elsewhere).
 * An image found nowhere is reported and left out (its shapes cannot be placed on anything).
 */
export async function readCvat(
  path: string,
  opts: { classes?: readonly string[]; imagesRoot?: string } = {},
): Promise<ParseResult & { root: string; imageRoots: string[] }> {
  const f = (await cvatFileOf(path)) ?? path;
  const root = dirname(resolve(f));
  const extra = opts.imagesRoot ? resolve(opts.imagesRoot) : undefined;
  const imageRoots = extra && extra !== root ? [extra, root] : [root];
  const t = await readText(f);
  if ('error' in t) return { ...emptyResult(f, t.error), root, imageRoots };
  const file = resolve(f);
  const result = parseCvatWithOrigins(t.text, file, opts);
  const images: DatasetImage[] = [];
  for (const [i, img] of result.dataset.images.entries()) {
    const { subset, line } = result.origins[i]!;
    const candidates = [
      ...(extra ? [...(subset ? [join(extra, subset, img.file)] : []), join(extra, img.file)] : []),
      ...(subset ? [join(root, 'images', subset, img.file)] : []),
      join(root, 'images', img.file),
      join(root, img.file),
    ];
    let found: string | undefined;
    for (const c of candidates) {
      if (await isFile(c)) {
        found = c;
        break;
      }
    }
    if (!found) {
      const tried = candidates.map((c) => shown(root, c)).join(', ');
      const lost = img.annotations.length ? `; its ${img.annotations.length} annotation(s) are not imported` : '';
      result.errors.push({ file, where: line, reason: `the image "${img.file}" is not found (looked for ${tried})${lost}` });
      continue;
    }
    images.push({ ...img, file: shown(root, found) });
  }
  return { dataset: { classes: result.dataset.classes, images }, errors: result.errors, root, imageRoots };
}

/** A path relative to the dataset root, or absolute when it lies elsewhere (under --images-root). */
function shown(root: string, abs: string): string {
  const rel = toPosix(relative(root, abs));
  return rel.startsWith('../') || isAbsolute(rel) ? abs : rel;
}
