/**
 * Dataset formats, each described once. The input schemas (`z.enum`), the TypeScript unions, the
 * CLI's `--format` choices and usage text, and the studio's import/export dialog options all derive
 * from this list; the implementations (annotation/) register against its names in typed records,
 * so a format without an implementation is a type error. Adding a format: a descriptor here and
 * its implementation, nothing else.
 */

/** What a format can carry per image. */
export type FormatLabel = 'class' | 'box' | 'polygon' | 'polyline' | 'points' | 'mask';

/**
 * What a format keeps, what an export converts by the rule its users expect, and what it cannot
 * hold (listed per item in the result's errors or skipped, never dropped in silence). Said once
 * here: the README's formats table is made from it (src/api/formats-table.ts, checked by a test).
 */
export interface FormatFidelity {
  keeps: string;
  converts?: string;
  refuses?: string;
}

export interface FormatDescriptor {
  name: string;
  /** Which project tasks its labels serve. */
  tasks: readonly ('classify' | 'detect' | 'segment')[];
  /** What the user gives for it: a file, a folder, or either. */
  path: 'file' | 'folder' | 'file-or-folder';
  /** The labels it carries (none: images only). */
  labels: readonly FormatLabel[];
  /** Importable: how the import dialog names and explains it. */
  import?: { title: string; hint: string };
  /** Exportable: how the export dialog names and explains it. */
  export?: { title: string; hint: string };
  /**
   * Read by a dataset parser of annotation/formats (as opposed to an image layout: loose images,
   * class folders, a labels CSV); `detectRank` orders detection by content, most specific first
   * (Label Studio before COCO: both are .json; CVAT before VOC: both are XML).
   */
  parser?: { detectRank: number };
  fidelity: FormatFidelity;
}

export const DATASET_FORMATS = [
  {
    name: 'auto',
    tasks: ['classify', 'detect', 'segment'],
    path: 'file-or-folder',
    labels: ['class'],
    import: { title: 'Detect automatically', hint: 'A folder or a file: class folders, a labels CSV or loose images are recognized from what is there.' },
    fidelity: { keeps: 'What the layout it finds carries: class folders, a labels CSV, or loose images.' },
  },
  {
    name: 'folder',
    tasks: ['classify', 'detect', 'segment'],
    path: 'folder',
    labels: [],
    import: { title: 'Image folder', hint: 'A folder of images, searched with its subfolders; folder names are ignored (no classes).' },
    fidelity: { keeps: 'Images only (folder names are not classes).' },
  },
  {
    name: 'imagefolder',
    tasks: ['classify'],
    path: 'folder',
    labels: ['class'],
    import: { title: 'ImageFolder classes', hint: 'A folder with one subfolder per class, optionally inside train/, val/ and test/.' },
    export: { title: 'ImageFolder', hint: '<split>/<class>/ folders of images: image classes only.' },
    fidelity: { keeps: 'One class per image from its folder; splits from train/, val/, test/ folders.', refuses: 'On export: regions, and the other classes of a multi-label image (listed in skipped).' },
  },
  {
    name: 'csv',
    tasks: ['classify'],
    path: 'file',
    labels: ['class', 'box'],
    import: { title: 'CSV', hint: 'A .csv file of path,label[,split] rows; paths are relative to the CSV.' },
    export: { title: 'CSV', hint: 'A path,label,split CSV with the images in images/ beside it: image classes only.' },
    // The box CSV parser (path,label[,x,y,w,h][,split]) reads and writes it in annotation/formats.
    parser: { detectRank: 5 },
    fidelity: { keeps: 'path, class and split per row; the box CSV also boxes in pixels. Quotes, commas and newlines in fields, CRLF and BOM read as RFC 4180 says.', refuses: 'On export: regions, and the other classes of a multi-label image (listed in skipped).' },
  },
  {
    name: 'coco',
    tasks: ['classify', 'detect', 'segment'],
    path: 'file-or-folder',
    labels: ['box', 'polygon', 'mask'],
    import: { title: 'COCO JSON', hint: 'An instances .json, or the dataset folder (annotations/ with images/<split>/, Roboflow train/ valid/ test/); images are found where COCO tools put them.' },
    export: { title: 'COCO JSON', hint: 'annotations.json and images/: boxes and polygons (image classes are left out).' },
    parser: { detectRank: 1 },
    fidelity: { keeps: 'Every category with its id, used or not; boxes, polygons, RLE masks (iscrowd, both RLE forms), per-annotation attributes and score; splits from instances_<split>.json or Roboflow <split>/ folders; images in images/<split>/, <split>2017/, beside the JSON, or the images folder named.', refuses: 'Image-level classes, polylines and points on export (listed in skipped).' },
  },
  {
    name: 'yolo',
    tasks: ['detect', 'segment'],
    path: 'file-or-folder',
    labels: ['box', 'polygon'],
    import: { title: 'YOLO', hint: 'The dataset folder with data.yaml (or obj.names, classes.txt), images/ and labels/; class ids are kept.' },
    export: { title: 'YOLO', hint: 'data.yaml, images/<split>/ and labels/<split>/: boxes (a polygon as its bounding box).' },
    parser: { detectRank: 4 },
    fidelity: { keeps: 'The whole class list by id (obj.names, classes.txt, data.yaml names as list or map), boxes, segment rows as polygons, splits from data.yaml train/val/test (folders or lists) or images/<split>/.', converts: 'On export: a polygon or mask as its bounding box (listed in converted).', refuses: 'Image-level classes, polylines, points and flags on export (listed in skipped).' },
  },
  {
    // The segment export of YOLO: polygon rows only (the 'yolo' export writes boxes), since
    // Ultralytics reads a box row in a segment dataset as a 2-point polygon. Read as 'yolo' (one
    // parser reads both), so it is never detected.
    name: 'yolo-seg',
    tasks: ['segment'],
    path: 'file-or-folder',
    labels: ['polygon'],
    export: { title: 'YOLO segment', hint: 'data.yaml, images/<split>/ and labels/<split>/: polygons only (boxes are listed as not written).' },
    parser: { detectRank: 6 },
    fidelity: { keeps: 'Polygons, with the whole class list by id.', refuses: 'Boxes (export YOLO for them), classes, polylines, points and masks (listed in skipped).' },
  },
  {
    name: 'voc',
    tasks: ['detect'],
    path: 'file-or-folder',
    labels: ['box'],
    import: { title: 'Pascal VOC', hint: 'The VOC folder with Annotations/ and JPEGImages/ (or one .xml file).' },
    export: { title: 'Pascal VOC', hint: 'Annotations/*.xml, JPEGImages/ and ImageSets/: boxes only.' },
    parser: { detectRank: 3 },
    fidelity: { keeps: 'labelmap.txt class order (background is not a class), boxes with difficult, truncated, occluded and pose, parts, actions, ImageSets splits.', converts: 'On export: a polygon or mask as its bounding box (listed in converted).', refuses: 'Image-level classes, polylines and points on export (listed in skipped); an ImageSets entry without its XML is an error.' },
  },
  {
    name: 'labelstudio',
    tasks: ['classify', 'detect', 'segment'],
    path: 'file',
    labels: ['class', 'box', 'polygon', 'polyline', 'points'],
    import: { title: 'Label Studio JSON', hint: 'The JSON export of a Label Studio project (a list of tasks).' },
    parser: { detectRank: 0 },
    fidelity: { keeps: 'Every annotation of a task kept apart with its annotator, predictions with their score, choices (several per image as several classes), rectangles, polygons, polylines, keypoints; names that differ only in case stay apart; /data/upload and /data/local-files paths found beside the JSON.', refuses: 'Brush masks, rotated rectangles and unknown result types (each an error line). Import only.' },
  },
  {
    name: 'cvat',
    tasks: ['classify', 'detect', 'segment'],
    path: 'file-or-folder',
    labels: ['class', 'box', 'polygon', 'polyline', 'points', 'mask'],
    import: { title: 'CVAT XML 1.1', hint: 'The annotations.xml of a "CVAT for images 1.1" task or project export, or the folder holding it (subsets become splits).' },
    parser: { detectRank: 2 },
    fidelity: { keeps: 'Task and project exports: subsets as splits, images/<subset>/, labels in meta order (unused too), tags, boxes, polygons, polylines, points, masks, with occluded, z_order, group_id and attributes.', refuses: 'Ellipses, cuboids, skeletons and shapes without a label (each an error line). Import only.' },
  },
] as const satisfies readonly FormatDescriptor[];

type Described = (typeof DATASET_FORMATS)[number];
export type DatasetFormatName = Described['name'];
/** What `jobs.start` import and `apprentice import --format` accept. */
export type ImportFormat = Extract<Described, { import: object }>['name'];
/** What `jobs.start` export and `apprentice export --format` accept. */
export type ExportFormat = Extract<Described, { export: object }>['name'];
/** The formats annotation/formats parses (its FORMATS record is keyed by these). */
export type ParsedFormat = Extract<Described, { parser: object }>['name'];

const described: readonly FormatDescriptor[] = DATASET_FORMATS;
/** Non-empty tuples, as z.enum wants them. */
type Names<T extends string> = readonly [T, ...T[]];
export const importFormats = described.filter((f) => f.import).map((f) => f.name) as unknown as Names<ImportFormat>;
export const exportFormats = described.filter((f) => f.export).map((f) => f.name) as unknown as Names<ExportFormat>;
/** Parsed formats, most specific first: the order `detectFormat` tries them in. */
export const parsedFormats = described
  .filter((f) => f.parser)
  .sort((a, b) => a.parser!.detectRank - b.parser!.detectRank)
  .map((f) => f.name) as unknown as Names<ParsedFormat>;

/** A dialog's option list: value, label and the hint shown under it. */
export interface FormatOption<T extends string> {
  value: T;
  label: string;
  hint: string;
}
export const importFormatOptions: FormatOption<ImportFormat>[] = described
  .filter((f) => f.import)
  .map((f) => ({ value: f.name as ImportFormat, label: f.import!.title, hint: f.import!.hint }));
const geometryKinds = (f: FormatDescriptor) => f.labels.filter((l) => l !== 'class').length;
/** The export dialog lists the formats that carry the most kinds of regions first (COCO, YOLO, VOC, then the class-only ones). */
export const exportFormatOptions: FormatOption<ExportFormat>[] = described
  .filter((f) => f.export)
  .sort((a, b) => geometryKinds(b) - geometryKinds(a))
  .map((f) => ({ value: f.name as ExportFormat, label: f.export!.title, hint: f.export!.hint }));

/** The descriptor of a format by name. */
export function formatDescriptor(name: DatasetFormatName): FormatDescriptor {
  return described.find((f) => f.name === name)!;
}
