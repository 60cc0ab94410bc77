/**
 * The augmentation pipeline as data, and its command-line form (`--augment LIST`):
 *
 *   flip[:P]                      horizontal flip with probability P (default 0.5)
 *   rotate[:DEG[:zero|edge]]      rotation in [-DEG, DEG] degrees (default 15, corners black)
 *   crop[:MIN_SCALE[:MAX_RATIO]]  random resized crop, area in [MIN_SCALE, 1] (default 0.5),
 *                                 aspect ratio in [1/MAX_RATIO, MAX_RATIO] (default 4/3)
 *   color[:B[:C]]                 brightness +-B and contrast +-C (default 0.2, C defaults to B)
 *   affine[:SHEAR[:TRANSLATE]]    shear +-SHEAR degrees (default 10), shift +-TRANSLATE of the size (0.1)
 *   cutmix[:ALPHA[:P]]            CutMix with Beta(ALPHA, ALPHA) (default 1) on a share P of images (0.5)
 *   randaugment[:N[:M]]           N ops at magnitude M in 0..10 (default 2 and 9)
 *   none                          no augmentation
 *
 * e.g. "flip,rotate:15,crop:0.8,color:0.2,affine,cutmix:1.0,randaugment:2:9".
 * The order in the list does not matter: augmentBatch applies ops in one fixed order.
 */
import { AppError } from '../../api/errors.js';
import type { Fill } from './warp.js';

export interface AugmentConfig {
  flip?: { p: number };
  rotate?: { degrees: number; fill: Fill };
  crop?: { scale: readonly [number, number]; ratio: readonly [number, number] };
  color?: { brightness: number; contrast: number };
  affine?: { shearDegrees: number; translate: number; fill: Fill };
  cutmix?: { alpha: number; p: number };
  randaugment?: { n: number; m: number };
}

export type AugmentName = keyof AugmentConfig;

/** A bad `--augment` item. `details.item` is the item as written; the message names it too. */
export class AugmentParseError extends AppError {
  readonly item: string;

  constructor(item: string, problem: string) {
    super('INVALID_INPUT', `--augment: bad item "${item}": ${problem}`, { item });
    this.name = 'AugmentParseError';
    this.item = item;
  }
}

const DEFAULT_MAX_RATIO = 4 / 3;

/** Reads the numeric arguments of one item, each with its own bounds, and reports the first bad one. */
class Args {
  constructor(
    private readonly item: string,
    private readonly values: string[],
  ) {}

  number(index: number, what: string, fallback: number, lo: number, hi: number, opts: { loOpen?: boolean; integer?: boolean } = {}): number {
    const raw = this.values[index];
    if (raw === undefined) return fallback;
    const v = raw.trim() === '' ? NaN : Number(raw);
    const range = `${opts.loOpen ? '(' : '['}${fmt(lo)}, ${fmt(hi)}]`;
    if (!Number.isFinite(v)) throw new AugmentParseError(this.item, `${what} must be a number in ${range}, got "${raw}"`);
    if (opts.integer && !Number.isInteger(v)) throw new AugmentParseError(this.item, `${what} must be a whole number, got "${raw}"`);
    if (v > hi || v < lo || (opts.loOpen && v === lo)) {
      throw new AugmentParseError(this.item, `${what} must be in ${range}, got ${raw}`);
    }
    return v;
  }

  fill(index: number): Fill {
    const raw = this.values[index];
    if (raw === undefined) return 'zero';
    if (raw === 'zero' || raw === 'edge') return raw;
    throw new AugmentParseError(this.item, `fill must be "zero" or "edge", got "${raw}"`);
  }

  atMost(count: number, usage: string): void {
    if (this.values.length > count) throw new AugmentParseError(this.item, `too many arguments; usage: ${usage}`);
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
}

const PARSERS: { [K in AugmentName]: (a: Args) => NonNullable<AugmentConfig[K]> } = {
  flip: (a) => {
    a.atMost(1, 'flip[:P]');
    return { p: a.number(0, 'P', 0.5, 0, 1) };
  },
  rotate: (a) => {
    a.atMost(2, 'rotate[:DEGREES[:zero|edge]]');
    return { degrees: a.number(0, 'DEGREES', 15, 0, 180), fill: a.fill(1) };
  },
  crop: (a) => {
    a.atMost(2, 'crop[:MIN_SCALE[:MAX_RATIO]]');
    const minScale = a.number(0, 'MIN_SCALE', 0.5, 0, 1, { loOpen: true });
    const maxRatio = a.number(1, 'MAX_RATIO', DEFAULT_MAX_RATIO, 1, 10);
    return { scale: [minScale, 1], ratio: [1 / maxRatio, maxRatio] };
  },
  color: (a) => {
    a.atMost(2, 'color[:BRIGHTNESS[:CONTRAST]]');
    const brightness = a.number(0, 'BRIGHTNESS', 0.2, 0, 1);
    return { brightness, contrast: a.number(1, 'CONTRAST', brightness, 0, 1) };
  },
  affine: (a) => {
    a.atMost(2, 'affine[:SHEAR_DEGREES[:TRANSLATE]]');
    return { shearDegrees: a.number(0, 'SHEAR_DEGREES', 10, 0, 45), translate: a.number(1, 'TRANSLATE', 0.1, 0, 0.5), fill: 'zero' };
  },
  cutmix: (a) => {
    a.atMost(2, 'cutmix[:ALPHA[:P]]');
    return { alpha: a.number(0, 'ALPHA', 1, 0, 100, { loOpen: true }), p: a.number(1, 'P', 0.5, 0, 1) };
  },
  randaugment: (a) => {
    a.atMost(2, 'randaugment[:N[:M]]');
    return { n: a.number(0, 'N', 2, 0, 10, { integer: true }), m: a.number(1, 'M', 9, 0, 10) };
  },
};

export const AUGMENT_NAMES = Object.keys(PARSERS) as readonly AugmentName[];

function isAugmentName(name: string): name is AugmentName {
  return Object.hasOwn(PARSERS, name);
}

/** Parses an `--augment` list. Throws AugmentParseError naming the first bad item. */
export function parseAugmentList(list: string): AugmentConfig {
  const text = list.trim();
  if (text === '' || text === 'none') return {};
  const config: AugmentConfig = {};
  for (const rawItem of text.split(',')) {
    const item = rawItem.trim();
    if (item === '') throw new AugmentParseError(rawItem, 'empty item (two commas in a row, or a trailing comma?)');
    const [rawName = '', ...args] = item.split(':');
    const name = rawName.trim().toLowerCase();
    if (!isAugmentName(name)) {
      throw new AugmentParseError(item, `unknown augmentation "${rawName}"; known: ${AUGMENT_NAMES.join(', ')}, none`);
    }
    if (config[name] !== undefined) throw new AugmentParseError(item, `"${name}" is given more than once`);
    setItem(config, name, PARSERS[name](new Args(item, args.map((s) => s.trim()))));
  }
  return config;
}

function setItem<K extends AugmentName>(config: AugmentConfig, name: K, value: NonNullable<AugmentConfig[K]>): void {
  config[name] = value;
}

/** The canonical `--augment` string for a config (parses back to the same config); "none" if empty. */
export function formatAugmentConfig(config: AugmentConfig): string {
  const items: string[] = [];
  const { flip, rotate, crop, color, affine, cutmix, randaugment } = config;
  if (flip) items.push(`flip:${flip.p}`);
  if (rotate) items.push(`rotate:${rotate.degrees}:${rotate.fill}`);
  if (crop) items.push(`crop:${crop.scale[0]}:${crop.ratio[1]}`);
  if (color) items.push(`color:${color.brightness}:${color.contrast}`);
  if (affine) items.push(`affine:${affine.shearDegrees}:${affine.translate}`);
  if (cutmix) items.push(`cutmix:${cutmix.alpha}:${cutmix.p}`);
  if (randaugment) items.push(`randaugment:${randaugment.n}:${randaugment.m}`);
  return items.length > 0 ? items.join(',') : 'none';
}
