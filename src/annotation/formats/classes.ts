// Class names and splits as the formats read and write them.
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetSplit } from './dataset';
import { DatasetFormatError, type FormatProblem, type ParseResult } from './reports';

/** Class names -> indices, keeping the first-seen order (a known list may seed it). */
export class ClassTable {
  readonly names: string[] = [];
  private index = new Map<string, number>();

  constructor(seed: readonly string[] = []) {
    for (const n of seed) this.indexOf(n);
  }

  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  has(name: string): boolean {
    return this.index.has(name);
  }
}

const SPLIT_NAMES: Record<string, DatasetSplit> = {
  train: 'train', training: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test', testing: 'test',
};

/** "Train", "validation", "valid" ... -> a split; undefined for anything else. */
export function splitFromName(name: string | undefined): DatasetSplit | undefined {
  return name === undefined ? undefined : SPLIT_NAMES[name.trim().toLowerCase()];
}

/** The annotation's class must exist; writers call this and throw on a broken model. */
export function className(dataset: Dataset, a: DatasetAnnotation, file: string): string {
  const name = Number.isInteger(a.classIndex) ? dataset.classes[a.classIndex] : undefined;
  if (name === undefined) {
    throw new DatasetFormatError(file, '', `class index ${a.classIndex} is outside the ${dataset.classes.length} classes`);
  }
  return name;
}

/**
 * Several parse results as one dataset: classes are matched by name (first-seen order),
 * `rebase` turns each part's file paths into paths relative to the common root.
 */
export function mergeResults(parts: { result: ParseResult; rebase?: (file: string) => string }[]): ParseResult {
  const table = new ClassTable();
  const images: DatasetImage[] = [];
  const errors: FormatProblem[] = [];
  for (const { result, rebase } of parts) {
    const map = result.dataset.classes.map((n) => table.indexOf(n));
    for (const img of result.dataset.images) {
      images.push({
        ...img,
        file: rebase ? rebase(img.file) : img.file,
        annotations: img.annotations.map((a) => ({ ...a, classIndex: map[a.classIndex] ?? a.classIndex })),
      });
    }
    errors.push(...result.errors);
  }
  return { dataset: { classes: table.names, images }, errors };
}
