// What the format code reports: problems found in a file, what a parser and a writer return,
// and the one error a writer throws.
import type { Dataset } from './dataset';

/** One problem found in an input file. `where`: "line 12", "line 3:7", "annotations[3].bbox[2]". */
export interface FormatProblem {
  file: string;
  where: string;
  reason: string;
}

/** What every parser returns: the valid part of the dataset and each problem found. */
export interface ParseResult {
  dataset: Dataset;
  errors: FormatProblem[];
}

/**
 * The only error the format code throws: a writer given a dataset it cannot represent
 * (class index out of range...). Parsers never throw on bad input; they report problems.
 */
export class DatasetFormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}${where ? ` (${where})` : ''}: ${reason}`);
    this.name = 'DatasetFormatError';
  }
}

/** What a writer produces: text files to write and where each image should be copied. */
export interface WrittenDataset {
  /** Text files, paths relative to the output root (POSIX separators). */
  files: { path: string; content: string }[];
  /** Where each image goes, relative to the output root (the caller copies the pixels). */
  images: { file: string; to: string }[];
  /** Annotations the format cannot hold (a tag in COCO...), one entry per image and reason. */
  skipped: FormatProblem[];
  /**
   * Annotations written in another form by the rule users of the format expect (a polygon as its
   * bounding box in VOC), one entry per image and rule. Absent when nothing was converted.
   */
  converted?: FormatProblem[];
}

export function emptyResult(file: string, reason: string, where = ''): ParseResult {
  return { dataset: { classes: [], images: [] }, errors: [{ file, where, reason }] };
}

/** An export note as the result gives it: `item` (CLI.md's name) names the image and the place in it. */
export const withItem = (p: FormatProblem) => ({ item: p.where ? `${p.file} (${p.where})` : p.file, ...p });
