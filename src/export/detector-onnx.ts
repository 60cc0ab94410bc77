/**
 * The box student (a tfjs model whose output is a raw grid [S, S, 5 + C]) -> ONNX in the YOLOv5
 * output layout, so Apprentice (and any YOLOv5 consumer) reads it as a detector:
 *
 *   image [batch, H, W, C] (NHWC float32, or image_uint8 when baked)
 *     -> the model's layers (the classifier exporter's converters) -> grid, NCHW [batch, 5 + C, S, S]
 *     -> Reshape [batch, 5 + C, S*S] -> Transpose [batch, S*S, 5 + C]   (row r*S + c is cell (r, c))
 *     -> per row: cx = (c + sigmoid(t1)) * W/S, cy = (r + sigmoid(t2)) * H/S   (input pixels)
 *                 w = sigmoid(t3) * W, h = sigmoid(t4) * H                     (input pixels)
 *                 objectness = sigmoid(t0), class scores = softmax(t5..)
 *     -> output0 [batch, S*S, 5 + C]
 *
 * objectness x max class score is then exactly the score the project's own decoder gives a cell
 * (sigmoid(t0) x softmax max), and cx/W, cy/H, w/W, h/H its normalized box.
 */
import type * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ConvertContext, convertGraph } from './converters';
import { OnnxGraphBuilder } from './graph-builder';
import { metadataProps, type ExportMetadata, type PreprocessingSpec } from './metadata';
import { onnx } from './onnx-proto';
import { bakedInput, floatInput, ONNX_IR_VERSION, ONNX_NAMES, ONNX_OPSET, PRODUCER_NAME } from './onnx-writer';

/** The output's name, as Ultralytics' YOLOv5 exports call it. */
export const DETECTOR_OUTPUT = 'output0';
/** Channels of a grid cell before the class scores: objectness, cx, cy, w, h (in the student's order). */
const BOX_CHANNELS = 5;

export interface DetectorExportMetadata extends ExportMetadata {
  /** Grid side S: the model outputs [batch, S, S, 5 + classes]. */
  grid: number;
  /** Default thresholds of the detector, written to the metadata. */
  decode?: { scoreThreshold: number; iouThreshold: number; maxBoxes: number };
}

export interface DetectorOnnxOptions {
  bakedPreprocessing?: boolean;
  apprenticeVersion?: string;
}

/** The YOLOv5-layout ONNX file of a box student. */
export function exportDetectorOnnx(model: tf.LayersModel, meta: DetectorExportMetadata, options: DetectorOnnxOptions = {}): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('a detector to export has one input and one output');
  const [, height, width, channels] = model.inputs[0]!.shape;
  if (typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') throw new Error('the detector input size must be known');
  if (meta.input.height !== height || meta.input.width !== width || meta.input.channels !== channels) {
    throw new Error(`the metadata says ${meta.input.width}x${meta.input.height}x${meta.input.channels} but the model takes ${width}x${height}x${channels}`);
  }
  const [, gh, gw, cellChannels] = model.outputs[0]!.shape;
  const k = meta.classes.length;
  const S = meta.grid;
  if (gh !== S || gw !== S || cellChannels !== BOX_CHANNELS + k) {
    throw new Error(`the detector outputs [${model.outputs[0]!.shape.join(', ')}], not a grid [batch, ${S}, ${S}, ${BOX_CHANNELS + k}] for ${k} classes`);
  }
  const pre: PreprocessingSpec = { height, width, channels, layout: 'nhwc', scale: meta.input.scale };
  const baked = options.bakedPreprocessing ?? false;
  const version = options.apprenticeVersion ?? 'unknown';

  const graph = new OnnxGraphBuilder();
  for (const name of [...Object.values(ONNX_NAMES), DETECTOR_OUTPUT]) graph.reserve(name);
  const nhwc = baked ? bakedInput(graph, pre) : floatInput(graph, pre);
  const nchw = graph.op('Transpose', [nhwc], 'image_nchw', { perm: [0, 3, 1, 2] });
  const ctx = new ConvertContext(graph, { foldBatchNorm: true });
  ctx.values.set(model.inputs[0]!.id, nchw);
  const [gridNchw] = convertGraph(ctx, [model.outputs[0]!]);

  const cells = S * S;
  const ch = BOX_CHANNELS + k;
  const flat = graph.op('Reshape', [gridNchw!, graph.int64s('decode/flat_shape', [0, ch, cells])], 'decode/flat');
  const rows = graph.op('Transpose', [flat], 'decode/rows', { perm: [0, 2, 1] });
  const slice = (name: string, from: number, to: number) =>
    graph.op('Slice', [rows, graph.int64s(`decode/${name}_start`, [from]), graph.int64s(`decode/${name}_end`, [to]), graph.int64s(`decode/${name}_axis`, [2])], `decode/${name}_raw`);
  // Grid offsets (column, row) of every cell, and the cell size in input pixels.
  const offsets = new Float32Array(cells * 2);
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      offsets[(r * S + c) * 2] = c;
      offsets[(r * S + c) * 2 + 1] = r;
    }
  }
  const xy = graph.op(
    'Mul',
    [graph.op('Add', [graph.op('Sigmoid', [slice('xy', 1, 3)], 'decode/xy_sigmoid'), graph.floats('decode/grid_offsets', [cells, 2], offsets)], 'decode/xy_cells'),
      graph.floats('decode/cell_size', [2], new Float32Array([width / S, height / S]))],
    'decode/xy',
  );
  const wh = graph.op('Mul', [graph.op('Sigmoid', [slice('wh', 3, 5)], 'decode/wh_sigmoid'), graph.floats('decode/input_size', [2], new Float32Array([width, height]))], 'decode/wh');
  const objectness = graph.op('Sigmoid', [slice('objectness', 0, 1)], 'decode/objectness');
  const scores = graph.op('Softmax', [slice('classes', BOX_CHANNELS, ch)], 'decode/class_scores', { axis: 2 });
  const out = graph.op('Concat', [xy, wh, objectness, scores], 'decode/output', { axis: 2 });
  graph.rename(out, DETECTOR_OUTPUT);
  graph.declare('output', DETECTOR_OUTPUT, 'float32', [ONNX_NAMES.batch, cells, ch],
    `YOLOv5 layout: per grid cell cx, cy, w, h (input pixels), objectness, ${k} class scores (softmax); score = objectness x class score. Class names in the 'names' and 'classes' metadata`);

  const props = { ...metadataProps(meta, pre, baked, version), ...detectorProps(meta, height, width) };
  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER_NAME,
    producerVersion: version,
    docString: `${meta.arch ?? model.name} box detector exported by Apprentice (YOLOv5 output layout)`,
    graph: graph.toGraph(model.name || 'apprentice-detector'),
    metadataProps: Object.entries(props).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** What YOLOv5/v8 exports write (names, task, stride, imgsz), plus the output layout and default thresholds. */
function detectorProps(meta: DetectorExportMetadata, height: number, width: number): Record<string, string> {
  const props: Record<string, string> = {
    task: 'detect',
    names: ultralyticsNamesText(meta.classes),
    stride: String(width / meta.grid),
    imgsz: `[${height}, ${width}]`,
    grid: `${meta.grid}x${meta.grid}`,
    output_layout: 'yolov5',
  };
  if (meta.decode) {
    props.score_threshold = String(meta.decode.scoreThreshold);
    props.iou_threshold = String(meta.decode.iouThreshold);
    props.max_boxes = String(meta.decode.maxBoxes);
  }
  return props;
}

/** `{0: 'red', 1: 'blue'}`, the Python dict literal Ultralytics writes under "names". */
export function ultralyticsNamesText(classes: string[]): string {
  return `{${classes.map((c, i) => `${i}: ${c.includes("'") ? JSON.stringify(c) : `'${c}'`}`).join(', ')}}`;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * The reference for output0: one image's raw grid [S, S, 5 + C] (as the tfjs model outputs it)
 * decoded in float64 the way the graph decodes it, as rows [S*S, 5 + C].
 */
export function yoloRowsFromGrid(raw: ArrayLike<number>, grid: number, numClasses: number, input: { width: number; height: number }): Float64Array {
  const ch = BOX_CHANNELS + numClasses;
  const out = new Float64Array(grid * grid * ch);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const at = (r * grid + c) * ch;
      out[at] = ((c + sigmoid(raw[at + 1]!)) * input.width) / grid;
      out[at + 1] = ((r + sigmoid(raw[at + 2]!)) * input.height) / grid;
      out[at + 2] = sigmoid(raw[at + 3]!) * input.width;
      out[at + 3] = sigmoid(raw[at + 4]!) * input.height;
      out[at + 4] = sigmoid(raw[at]!);
      let max = -Infinity;
      for (let j = 0; j < numClasses; j++) max = Math.max(max, raw[at + BOX_CHANNELS + j]!);
      let sum = 0;
      for (let j = 0; j < numClasses; j++) sum += Math.exp(raw[at + BOX_CHANNELS + j]! - max);
      for (let j = 0; j < numClasses; j++) out[at + BOX_CHANNELS + j] = Math.exp(raw[at + BOX_CHANNELS + j]! - max) / sum;
    }
  }
  return out;
}

export interface DetectorParity {
  /** Per image: output0 of the ONNX file, [S*S, 5 + C]. */
  onnx: Float32Array[];
  /** Per image: the tfjs model's raw grid [S, S, 5 + C]. */
  grids: Float32Array[];
  /** output0's dims for one image batch ([n, S*S, 5 + C]). */
  dims: number[];
  /** Largest |difference| over output0, box coordinates as fractions of the input (the unit boxes are stored in). */
  maxAbsDiff: number;
  /** The same, box coordinates in input pixels as output0 holds them. */
  maxPixelDiff: number;
}

/**
 * Run the ONNX file (onnxruntime-node) and the tfjs model on the same images (HWC uint8 pixels at
 * the input size: what Apprentice feeds a detector teacher) and compare output0 with the decoded
 * tfjs grid. A baked file gets the pixels as they are; a float one gets them times its scale.
 */
export async function detectorParity(
  bytes: Uint8Array,
  pixels: readonly Uint8Array[],
  predictGrids: (pixels: readonly Uint8Array[]) => Float32Array[],
  meta: { grid: number; numClasses: number; input: { height: number; width: number; channels: number; scale: number } },
): Promise<DetectorParity> {
  const { height: h, width: w, channels: c, scale } = meta.input;
  const size = h * w * c;
  const session = await ort.InferenceSession.create(bytes);
  const onnxRows: Float32Array[] = [];
  const grids: Float32Array[] = [];
  let dims: number[] = [];
  let maxAbsDiff = 0;
  let maxPixelDiff = 0;
  const CHUNK = 32;
  try {
    const uint8 = session.inputNames[0] === ONNX_NAMES.imageUint8;
    for (let start = 0; start < pixels.length; start += CHUNK) {
      const chunk = pixels.slice(start, start + CHUNK);
      const n = chunk.length;
      const feed = uint8 ? new Uint8Array(n * size) : new Float32Array(n * size);
      chunk.forEach((px, i) => {
        if (uint8) feed.set(px, i * size);
        else for (let j = 0; j < size; j++) feed[i * size + j] = px[j]! * scale;
      });
      const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor(uint8 ? 'uint8' : 'float32', feed, [n, h, w, c]) });
      const out = result[DETECTOR_OUTPUT];
      if (!out) throw new Error(`the ONNX file has no output '${DETECTOR_OUTPUT}'`);
      dims = [...out.dims];
      const data = out.data as Float32Array;
      const per = data.length / n;
      const refGrids = predictGrids(chunk);
      for (let i = 0; i < n; i++) {
        const got = data.slice(i * per, (i + 1) * per);
        const want = yoloRowsFromGrid(refGrids[i]!, meta.grid, meta.numClasses, { width: w, height: h });
        if (want.length !== got.length) throw new Error(`output0 has ${got.length} values per image, the tfjs grid decodes to ${want.length}`);
        const ch = BOX_CHANNELS + meta.numClasses;
        for (let j = 0; j < got.length; j++) {
          const d = Math.abs(got[j]! - want[j]!);
          const col = j % ch;
          const unit = col === 0 || col === 2 ? w : col === 1 || col === 3 ? h : 1;
          maxPixelDiff = worse(maxPixelDiff, d);
          maxAbsDiff = worse(maxAbsDiff, d / unit);
        }
        onnxRows.push(got);
        grids.push(refGrids[i]!);
      }
    }
  } finally {
    await session.release();
  }
  return { onnx: onnxRows, grids, dims, maxAbsDiff, maxPixelDiff };
}

/** max that turns NaN into Infinity, so a broken output can never pass. */
function worse(max: number, d: number): number {
  return d <= max ? max : Number.isNaN(d) ? Infinity : d;
}

/** README.md beside a folder export of a detector. */
export function detectorReadme(meta: DetectorExportMetadata, options: { baked: boolean; onnxFile?: string }): string {
  const { height: h, width: w, channels: c, scale } = meta.input;
  const k = meta.classes.length;
  const cells = meta.grid * meta.grid;
  const inputName = options.baked ? ONNX_NAMES.imageUint8 : ONNX_NAMES.image;
  return [
    `# Box detector (model ${meta.id})`,
    '',
    'Exported by Apprentice as ONNX (opset 13), with the YOLOv5 output layout.',
    '',
    '## Input',
    '',
    `- \`${inputName}\`: ${w}x${h} pixels (the image stretched to that size), ${c} channel${c === 1 ? ' (grayscale)' : 's (RGB)'}, NHWC [batch, ${h}, ${w}, ${c}]`,
    options.baked ? '- raw pixels 0..255 as uint8 (the graph scales them itself)' : `- float32 pixels multiplied by ${scale}`,
    '',
    '## Output',
    '',
    `- \`${DETECTOR_OUTPUT}\` [batch, ${cells}, ${5 + k}]: one row per grid cell: cx, cy, w, h in input pixels, objectness, then ${k} class scores (softmax)`,
    '- a box\'s score is objectness x its best class score; keep boxes above a threshold' +
      (meta.decode ? ` (${meta.decode.scoreThreshold} by default)` : '') + ' and run class-wise NMS' + (meta.decode ? ` (IoU ${meta.decode.iouThreshold})` : ''),
    `- classes, in the order of \`labels.txt\`: ${meta.classes.slice(0, 20).join(', ')}${k > 20 ? ', ...' : ''}`,
    '',
    'Apprentice imports the file as a detector teacher (`teachers.import`, or `pseudo-label --teacher FILE`).',
    '',
  ].join('\n');
}
