/**
 * Where COCO datasets keep their JSON files and their images, as real exports lay them out:
 *   standard COCO   annotations/instances_val2017.json (person_keypoints_*, any *.json there),
 *                   images in val2017/, images/val2017/, images/val/ or images/ beside annotations/;
 *   Roboflow        train/_annotations.coco.json, valid/..., test/... with the images beside each;
 *   a single JSON   with its images beside it or in images/.
 * The split of a file comes from its name (instances_val2017.json -> val) or, failing that, from
 * its folder (Roboflow's valid/). Images are looked up in a list of folders built from all that,
 * with one directory listing per folder (not one stat per image and folder: COCO has 100k images).
 */
import { open, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { DatasetSplit } from './dataset';
import type { FormatProblem } from './reports';
import { splitFromName } from './classes';
import { toPosix } from './io';

const HEAD = 1 << 20;
const TAIL = 256 << 10;

/**
 * Quick look at a file: a JSON object with a "categories" list and "images" or "annotations".
 * Only the first MB and the last 256 KB are read: pycocotools writes `categories` last, Roboflow
 * first, and a 200 MB file is not read to be recognized. Captions files (no categories) say no.
 */
export async function sniffCoco(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
    const size = (await fh.stat()).size;
    const read = async (at: number, n: number): Promise<string> => {
      const buf = Buffer.alloc(Math.max(0, Math.min(n, size - at)));
      await fh!.read(buf, 0, buf.length, at);
      return buf.toString('utf8');
    };
    const head = (await read(0, HEAD)).replace(/^\uFEFF/, '');
    const tail = size > HEAD ? await read(Math.max(HEAD, size - TAIL), TAIL) : '';
    const has = (key: string): boolean => new RegExp(`"${key}"\\s*:\\s*\\[`).test(head) || new RegExp(`"${key}"\\s*:\\s*\\[`).test(tail);
    return head.trimStart().startsWith('{') && has('categories') && (has('images') || has('annotations'));
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

/** The text version of sniffCoco, for a file already in memory. */
export function looksLikeCoco(text: string): boolean {
  const head = text.slice(0, HEAD).trimStart();
  return head.startsWith('{') && /"categories"\s*:\s*\[/.test(text) && /"(images|annotations)"\s*:\s*\[/.test(text);
}

async function names(dir: string): Promise<{ files: string[]; dirs: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isFile() || e.isSymbolicLink()) files.push(e.name);
  }
  return { files, dirs };
}

const isJson = (n: string): boolean => n.toLowerCase().endsWith('.json');

/** A split folder name: train, valid, val2017, test-dev... */
function splitOfFolder(name: string): DatasetSplit | undefined {
  return splitFromName(name) ?? splitFromName(/^([a-z]+)/i.exec(name)?.[1]);
}

/**
 * The COCO JSON files of a dataset folder: its own, those in annotations/, and those of split
 * folders (Roboflow's <split>/_annotations.coco.json). A person_keypoints_X.json beside an
 * instances_X.json holds the same images and people again: it is left out, with a note.
 */
export async function cocoJsonsIn(dir: string): Promise<{ jsons: string[]; notes: FormatProblem[] }> {
  const jsons: string[] = [];
  const notes: FormatProblem[] = [];
  const top = await names(dir);
  for (const f of top.files.filter(isJson)) if (await sniffCoco(join(dir, f))) jsons.push(join(dir, f));
  for (const sub of top.dirs) {
    const { files } = await names(join(dir, sub));
    const wanted = sub === 'annotations' || splitOfFolder(sub) !== undefined ? files.filter(isJson) : files.filter((f) => f === '_annotations.coco.json');
    const found: string[] = [];
    for (const f of wanted) {
      if (/^captions_/i.test(f)) continue; // COCO captions: images and sentences, no categories
      if (await sniffCoco(join(dir, sub, f))) found.push(f);
    }
    for (const f of found) {
      const twin = f.replace(/^person_keypoints_/i, 'instances_');
      if (twin !== f && found.includes(twin)) {
        notes.push({ file: join(dir, sub, f), where: '', reason: `not read: ${twin} holds the same images and objects (keypoints are not imported)` });
      } else jsons.push(join(dir, sub, f));
    }
  }
  return { jsons, notes };
}

/** The split a JSON file stands for, and the folder name its images may sit in (val2017, valid). */
export function splitOfJson(json: string): { split?: DatasetSplit; folder?: string } {
  const stem = basename(json).replace(/\.json$/i, '');
  for (const token of stem.split(/[^A-Za-z0-9]+/)) {
    const split = splitOfFolder(token);
    if (split && /^[a-z]+\d*$/i.test(token)) return { split, folder: token };
  }
  const parent = basename(dirname(json));
  const split = splitOfFolder(parent);
  return split ? { split, folder: parent } : {};
}

/** The dataset root of a JSON file: the folder above annotations/, else the JSON's own folder. */
export function rootOfJson(json: string): string {
  const dir = dirname(resolve(json));
  return basename(dir) === 'annotations' ? dirname(dir) : dir;
}

/**
 * The folders a JSON's `file_name` is resolved against, in order: the given images root (with and
 * without the split folder), the JSON's folder, then under the dataset root (the JSON's folder, or
 * the one above annotations/): images/<split>/, <split>/, images/ and the root itself.
 */
export function imageFolders(json: string, imagesRoot?: string): string[] {
  const { split, folder } = splitOfJson(json);
  const subs = [...new Set([folder, split].filter((s): s is string => !!s))];
  const out: string[] = [];
  const add = (d: string): void => {
    if (!out.includes(d)) out.push(d);
  };
  if (imagesRoot) {
    for (const s of subs) add(join(imagesRoot, s));
    add(imagesRoot);
  }
  const dir = dirname(resolve(json));
  add(dir);
  for (const base of basename(dir) === 'annotations' ? [dirname(dir)] : [dir]) {
    for (const s of subs) {
      add(join(base, 'images', s));
      add(join(base, s));
    }
    add(join(base, 'images'));
    add(base);
  }
  return out;
}

/** Finds files by listing each folder once. */
export class ImageFinder {
  private listings = new Map<string, Promise<Set<string>>>();

  private list(dir: string): Promise<Set<string>> {
    let l = this.listings.get(dir);
    if (!l) {
      l = names(dir).then((n) => new Set(n.files));
      this.listings.set(dir, l);
    }
    return l;
  }

  /** The absolute path of `fileName` under the first folder that has it. */
  async find(folders: readonly string[], fileName: string): Promise<string | undefined> {
    const forms = [...new Set([fileName, fileName.split('\\').join('/')])];
    for (const dir of folders) {
      for (const f of forms) {
        const full = resolve(dir, f);
        if ((await this.list(dirname(full))).has(basename(full))) return full;
      }
    }
    return undefined;
  }
}

/** Folders for a message: relative to the dataset root ("." for itself), absolute outside it. */
export function showFolders(folders: readonly string[], root: string): string {
  return folders
    .map((d) => {
      const r = relative(root, d);
      return r === '' ? '.' : r.startsWith('..') || isAbsolute(r) ? d : toPosix(r);
    })
    .join(', ');
}
