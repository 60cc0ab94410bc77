/**
 * CVAT for images 1.1, read only (https://docs.cvat.ai/docs/manual/advanced/xml_format/):
 *   <annotations><version>1.1</version>
 *     <meta><task|project|job>...<labels><label><name>cat</name>...</label></labels>...</meta>
 *     <image id="0" name="a.jpg" width="640" height="480" subset="Train">
 *       <box label="cat" xtl="1" ytl="2" xbr="30" ybr="40" rotation="0" occluded="0" .../>
 *       <polygon label="cat" points="1,2;30,4;5,60" .../>
 *       <tag label="cat"/>
 *     </image>
 *   </annotations>
 * Coordinates are pixels of the image as CVAT shows it. Class order: the labels in <meta>,
 * then names first seen. `subset` gives the split (Train/Validation/Test). A rotated box
 * (degrees clockwise about its centre) becomes a 4-point polygon. Other shapes (polyline,
 * points, mask, ellipse, cuboid, skeleton) are reported as not supported.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { isDirectory, isFile, readText, toPosix } from './io';
import type { DatasetImage } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult } from './reports';
import { parseNumber } from './numbers';
import { checkPixelBox, checkPolygon } from './geometry-checks';
import { ClassTable, splitFromName } from './classes';
import { at, childElement, childElements, parseXml, XmlError, type XmlElement } from './xml';

const UNSUPPORTED = new Set(['polyline', 'points', 'mask', 'ellipse', 'cuboid', 'skeleton']);

function metaLabels(root: XmlElement): string[] {
  const meta = childElement(root, 'meta');
  if (!meta) return [];
  const names: string[] = [];
  for (const holder of meta.children) {
    const labels = childElement(holder, 'labels');
    if (!labels) continue;
    for (const l of childElements(labels, 'label')) {
      const n = childElement(l, 'name')?.text.trim();
      if (n && !names.includes(n)) names.push(n);
    }
  }
  return names;
}

export function parseCvat(text: string, file: string, opts: { classes?: readonly string[] } = {}): ParseResult {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    if (err instanceof XmlError) return emptyResult(file, `not well-formed XML: ${err.reason}`, `line ${err.line}:${err.column}`);
    throw err;
  }
  if (root.name !== 'annotations') return emptyResult(file, `the root element is <${root.name}>, expected <annotations>`, at(root));
  const errors: FormatProblem[] = [];
  const problem = (el: XmlElement, reason: string): void => {
    errors.push({ file, where: at(el), reason });
  };
  const version = childElement(root, 'version')?.text.trim();
  if (version && version !== '1.1') problem(childElement(root, 'version')!, `version ${version}: only CVAT for images 1.1 is known; reading it as 1.1`);
  if (childElements(root, 'track').length > 0) problem(childElements(root, 'track')[0]!, 'tracks (CVAT for video) are not supported');
  const table = new ClassTable([...(opts.classes ?? []), ...metaLabels(root)]);
  const images: DatasetImage[] = [];
  const names = new Set<string>();

  for (const im of childElements(root, 'image')) {
    const name = im.attrs.get('name')?.trim();
    if (!name) {
      problem(im, 'an <image> without a name');
      continue;
    }
    if (names.has(name)) {
      problem(im, `the image "${name}" appears twice; the second is ignored`);
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
    names.add(name);
    const size = { width: dims[0]!, height: dims[1]! };
    const img: DatasetImage = { file: name, width: size.width, height: size.height, annotations: [] };
    const split = splitFromName(im.attrs.get('subset'));
    if (split) img.split = split;
    images.push(img);

    for (const el of im.children) {
      const label = el.attrs.get('label')?.trim();
      if (UNSUPPORTED.has(el.name)) {
        problem(el, `<${el.name}> shapes are not supported (box, polygon and tag are read)`);
        continue;
      }
      if (el.name !== 'box' && el.name !== 'polygon' && el.name !== 'tag') continue;
      if (!label) {
        problem(el, `a <${el.name}> without a label`);
        continue;
      }
      if (el.name === 'tag') {
        const ci = table.indexOf(label);
        if (!img.annotations.some((a) => a.kind === 'tag' && a.classIndex === ci)) img.annotations.push({ kind: 'tag', classIndex: ci });
        continue;
      }
      if (el.name === 'box') {
        const v: number[] = [];
        for (const k of ['xtl', 'ytl', 'xbr', 'ybr', 'rotation']) {
          const raw = el.attrs.get(k);
          if (raw === undefined && k === 'rotation') {
            v.push(0);
            continue;
          }
          const n = raw === undefined ? NaN : parseNumber(raw);
          if (Number.isNaN(n)) {
            problem(el, raw === undefined ? `the box has no ${k}` : `bad number "${raw}" for ${k}`);
            break;
          }
          v.push(n);
        }
        if (v.length !== 5) continue;
        const [xtl, ytl, xbr, ybr, rot] = v as [number, number, number, number, number];
        if (xbr < xtl || ybr < ytl) {
          problem(el, `negative box size: xbr ${xbr} < xtl ${xtl} or ybr ${ybr} < ytl ${ytl}`);
          continue;
        }
        if (rot % 360 !== 0) {
          const [cx, cy, hw, hh] = [(xtl + xbr) / 2, (ytl + ybr) / 2, (xbr - xtl) / 2, (ybr - ytl) / 2];
          const th = (rot * Math.PI) / 180;
          const [c, s] = [Math.cos(th), Math.sin(th)];
          const corners = [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]].flatMap(([dx, dy]) => [cx + dx! * c - dy! * s, cy + dx! * s + dy! * c]);
          const p = checkPolygon(corners, size);
          if (!p.ok) problem(el, `the rotated box: ${p.reason}`);
          else img.annotations.push({ kind: 'polygon', classIndex: table.indexOf(label), points: p.points });
          continue;
        }
        const b = checkPixelBox(xtl, ytl, xbr - xtl, ybr - ytl, size);
        if (!b.ok) problem(el, b.reason);
        else img.annotations.push({ kind: 'box', classIndex: table.indexOf(label), x: b.x, y: b.y, w: b.w, h: b.h });
        continue;
      }
      // polygon
      const raw = el.attrs.get('points') ?? '';
      const flat: number[] = [];
      let bad: string | undefined;
      for (const pair of raw.split(';')) {
        if (pair.trim() === '') continue;
        const xy = pair.split(',');
        const nums = xy.map(parseNumber);
        if (xy.length !== 2 || nums.some((n) => Number.isNaN(n))) {
          bad = `bad point "${pair.trim()}" (expected "x,y")`;
          break;
        }
        flat.push(...nums);
      }
      if (bad) {
        problem(el, bad);
        continue;
      }
      const p = checkPolygon(flat, size);
      if (!p.ok) problem(el, p.reason);
      else img.annotations.push({ kind: 'polygon', classIndex: table.indexOf(label), points: p.points });
    }
  }
  return { dataset: { classes: table.names, images }, errors };
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
 * Read annotations.xml (or a folder holding it, as CVAT exports it with images/). An image
 * name is resolved against the XML's folder, then images/; `file` is relative to `root`.
 */
export async function readCvat(path: string, opts: { classes?: readonly string[] } = {}): Promise<ParseResult & { root: string }> {
  const f = (await cvatFileOf(path)) ?? path;
  const root = dirname(resolve(f));
  const t = await readText(f);
  if ('error' in t) return { ...emptyResult(f, t.error), root };
  const result = parseCvat(t.text, resolve(f), opts);
  for (const img of result.dataset.images) {
    for (const c of [join(root, img.file), join(root, 'images', img.file)]) {
      if (await isFile(c)) {
        img.file = toPosix(relative(root, c));
        break;
      }
    }
  }
  return { ...result, root };
}
