/**
 * Dataset formats: pure parsers and writers over the neutral model (dataset.ts), a thin file
 * layer per format, and the registry the import/export jobs, the API and the CLI use.
 *
 * read(path, opts) -> { dataset, errors, root }: `file` of each image is relative to `root`
 *   (or as written when it could not be found); errors list each problem, the rest is valid.
 * write(dataset, outPath) -> the text files written and `images: [{ file, to }]`: where the
 *   caller copies each image (relative to `root`), plus what the format could not hold.
 * Writers convert normalized geometry with the model's width/height, i.e. the EXIF-upright
 * size: give them that size, and copy the image upright (or keep its EXIF orientation).
 */
import { parsedFormats, type ParsedFormat } from '../../api/formats';
import { detectBoxCsv, readBoxCsv, writeBoxCsvFiles } from './csv-boxes';
import { detectCoco, readCoco, writeCocoFiles } from './coco';
import { detectCvat, readCvat } from './cvat';
import { detectLabelStudio, readLabelStudio } from './labelstudio';
import type { Dataset, DatasetSplit } from './dataset';
import type { ParseResult, WrittenDataset } from './reports';
import type { SizeOf } from './sizes';
import { detectVoc, readVoc, writeVocFiles } from './voc';
import { detectYolo, readYolo, writeYoloFiles, writeYoloSegFiles } from './yolo-files';

export * from './dataset';
export * from './reports';
export * from './sizes';
export * from './numbers';
export * from './geometry-checks';
export * from './classes';
export { ExportNames, stemOf } from './unique-names';
export { parseCoco, writeCoco, readCoco, writeCocoFiles, type CocoParseOptions } from './coco';
export { parseYolo, parseYoloConfig, writeYolo, type YoloInput, type YoloTask } from './yolo';
export { readYolo, writeYoloFiles, writeYoloSegFiles } from './yolo-files';
export { parseVoc, writeVoc, readVoc, writeVocFiles, parseLabelList, type VocInput } from './voc';
export { parseBoxCsv, writeBoxCsv, readBoxCsv, writeBoxCsvFiles, csvRecords } from './csv-boxes';
export { parseLabelStudio, readLabelStudio, labelStudioFile } from './labelstudio';
export { parseCvat, readCvat } from './cvat';
export { parseXml, writeXml, XmlError, type XmlElement, type XmlOut } from './xml';
export { readYaml, type YamlDoc } from './yaml-doc';

export interface FormatReadOptions {
  /** Measures an image (absolute path) after EXIF orientation; needed by YOLO and box CSV. */
  sizeOf?: SizeOf;
  /** Known class order (the project's); new names are appended. Not used by YOLO (index-based). */
  classes?: readonly string[];
  /** COCO: the split of every image (COCO keeps splits in separate files). */
  split?: DatasetSplit;
  /** Open images outside the dataset's folder too (symbolic links, `..`, absolute paths); off by default. */
  followLinks?: boolean;
  /** The folder the images are in, when the layout cannot be guessed (`--images-root`); file names are resolved against it first. */
  imagesRoot?: string;
}

/**
 * `imageRoots`: the folders this dataset's images may lie in, when more than `root` (COCO's
 * annotations/ file with images/ beside it); an image outside all of them is refused unless followLinks.
 */
export type FormatReadResult = ParseResult & { root: string; imageRoots?: string[] };
export type FormatWriteResult = WrittenDataset & { root: string };

export interface DatasetFormat {
  /** What the user picks, and a short description. */
  name: FormatName;
  label: string;
  /** File endings of the annotation file ('' = a folder). */
  extensions: string[];
  detect(path: string): Promise<boolean>;
  read(path: string, opts?: FormatReadOptions): Promise<FormatReadResult>;
  /** Absent for read-only formats (Label Studio, CVAT). */
  write?(dataset: Dataset, outPath: string): Promise<FormatWriteResult>;
}

/** The formats with a parser here: named once, in api/formats.ts (a missing entry in FORMATS is a type error). */
export type FormatName = ParsedFormat;

export const FORMATS: Record<FormatName, DatasetFormat> = {
  coco: {
    name: 'coco',
    label: 'COCO instances JSON',
    extensions: ['.json', ''],
    detect: detectCoco,
    read: (path, opts = {}) => readCoco(path, opts),
    write: writeCocoFiles,
  },
  yolo: {
    name: 'yolo',
    label: 'YOLO (Ultralytics: data.yaml, images/, labels/)',
    extensions: ['', '.yaml', '.yml'],
    detect: detectYolo,
    read: (path, opts = {}) => readYolo(path, { sizeOf: opts.sizeOf, followLinks: opts.followLinks }),
    write: writeYoloFiles,
  },
  'yolo-seg': {
    name: 'yolo-seg',
    label: 'YOLO segment (polygons only)',
    extensions: ['', '.yaml', '.yml'],
    // The layout is YOLO's: detection says 'yolo', whose reader reads boxes and polygons alike.
    detect: async () => false,
    read: (path, opts = {}) => readYolo(path, { sizeOf: opts.sizeOf, followLinks: opts.followLinks }),
    write: writeYoloSegFiles,
  },
  voc: {
    name: 'voc',
    label: 'Pascal VOC XML',
    extensions: ['', '.xml'],
    detect: detectVoc,
    read: (path, opts = {}) => readVoc(path, opts),
    write: writeVocFiles,
  },
  csv: {
    name: 'csv',
    label: 'CSV (path,label[,x,y,w,h][,split], pixels)',
    extensions: ['.csv'],
    detect: detectBoxCsv,
    read: (path, opts = {}) => readBoxCsv(path, opts),
    write: writeBoxCsvFiles,
  },
  labelstudio: {
    name: 'labelstudio',
    label: 'Label Studio JSON export',
    extensions: ['.json'],
    detect: detectLabelStudio,
    read: (path, opts = {}) => readLabelStudio(path, opts),
  },
  cvat: {
    name: 'cvat',
    label: 'CVAT for images 1.1 XML',
    extensions: ['.xml', ''],
    detect: detectCvat,
    read: (path, opts = {}) => readCvat(path, opts),
  },
};

/**
 * The format of a path, for `--format auto`: the first whose detect() says yes, most specific
 * first (the descriptors' detectRank: Label Studio before COCO, both .json; CVAT before VOC, both XML).
 */
export async function detectFormat(path: string): Promise<FormatName | undefined> {
  for (const name of parsedFormats) {
    if (await FORMATS[name].detect(path)) return name;
  }
  return undefined;
}
