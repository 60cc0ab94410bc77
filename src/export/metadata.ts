/**
 * What an exported ONNX file says about itself (ModelProto.metadata_props): the classes and the
 * preprocessing a consumer must apply, so the file is usable without the project. The CLI's
 * teacher loader reads the same keys (see CLI.md: flags > sidecar > ONNX metadata > input shape).
 */
import { onnx } from './onnx-proto';

/** The model facts an export needs; ModelMetadata from training fits it. */
export interface ExportMetadata {
  id: string;
  arch?: string;
  classes: string[];
  input: { height: number; width: number; channels: number; scale: number; layout?: 'nhwc' };
  createdAt?: string;
  trainingRunId?: string;
  /** A multi-label model: `probabilities` is a sigmoid per class (several classes per image), not a softmax. */
  multiLabel?: boolean;
}

/** Preprocessing a consumer applies before feeding the model: x' = (x * scale - mean) / std. */
export interface PreprocessingSpec {
  height: number;
  width: number;
  channels: number;
  layout: 'nhwc';
  scale: number;
  mean?: number[];
  std?: number[];
  /** How images reach the input size; absent: TRAINING_RESIZE (see there). */
  resize?: 'bilinear' | 'nearest' | 'area' | 'lanczos' | 'sharp';
}

/**
 * What Apprentice's training engine does to bring an image to the input size: sharp's own resize
 * of the whole image to the input (`fit: 'fill'`, sharp's default kernel; src/media/pixels.ts),
 * neither cropped nor letterboxed. A student's export records that truth, so the file, read back
 * as a teacher, is fed the pixels it was trained on (not torchvision's bilinear, the default for
 * models that do not say).
 */
export const TRAINING_RESIZE = 'sharp';

export const METADATA_KEYS = {
  classes: 'classes',
  inputSize: 'input_size',
  channels: 'channels',
  layout: 'layout',
  scale: 'scale',
  mean: 'mean',
  std: 'std',
  version: 'apprentice_version',
  trainingRun: 'training_run_id',
  modelId: 'model_id',
  arch: 'arch',
  createdAt: 'created_at',
  /** 'none' (float input, the consumer preprocesses) or 'baked' (uint8 input, the graph does it). */
  preprocessing: 'preprocessing',
  /** bilinear | nearest | area | lanczos (Pillow's) | sharp; crop none | center; letterbox true | false (CLI.md). */
  resize: 'resize',
  crop: 'crop',
  letterbox: 'letterbox',
  /** 'true' for a multi-label model (sigmoid per class); absent for a single-label one (softmax). */
  multiLabel: 'multi_label',
} as const;

/**
 * metadata_props for an export. For the baked variant the consumer feeds raw uint8 pixels, so the
 * consumer-side scale is 1 and mean/std are absent; the graph's own values are kept as baked_*.
 */
export function metadataProps(meta: ExportMetadata, pre: PreprocessingSpec, baked: boolean, version: string): Record<string, string> {
  const k = METADATA_KEYS;
  const props: Record<string, string> = {
    [k.classes]: JSON.stringify(meta.classes),
    [k.inputSize]: `${pre.width}x${pre.height}`,
    [k.channels]: String(pre.channels),
    [k.layout]: pre.layout,
    [k.scale]: String(baked ? 1 : pre.scale),
    [k.preprocessing]: baked ? 'baked' : 'none',
    [k.resize]: pre.resize ?? TRAINING_RESIZE,
    [k.crop]: 'none',
    [k.letterbox]: 'false',
    [k.version]: version,
    [k.modelId]: meta.id,
  };
  if (!baked && pre.mean) props[k.mean] = JSON.stringify(pre.mean);
  if (!baked && pre.std) props[k.std] = JSON.stringify(pre.std);
  if (baked) {
    props.baked_scale = String(pre.scale);
    if (pre.mean) props.baked_mean = JSON.stringify(pre.mean);
    if (pre.std) props.baked_std = JSON.stringify(pre.std);
  }
  if (meta.trainingRunId) props[k.trainingRun] = meta.trainingRunId;
  if (meta.arch) props[k.arch] = meta.arch;
  if (meta.createdAt) props[k.createdAt] = meta.createdAt;
  if (meta.multiLabel) props[k.multiLabel] = 'true';
  return props;
}

export interface OnnxFileInfo {
  producerName: string;
  producerVersion: string;
  irVersion: number;
  opset: number;
  inputName: string;
  inputType: 'float32' | 'uint8' | 'other';
  /** Input dims; symbolic ones (the batch) as their name. */
  inputShape: (number | string)[];
  outputNames: string[];
  /** Every metadata_props entry as written. */
  props: Record<string, string>;
  classes: string[] | null;
  /** What the consumer must do to pixels in [0, 255] before feeding the model, if stated. */
  preprocessing: PreprocessingSpec | null;
  bakedPreprocessing: boolean;
  modelId: string | null;
  trainingRunId: string | null;
  apprenticeVersion: string | null;
}

/** Reads an ONNX file's self-description (ours or anyone's; missing facts come back null). */
export function readOnnxMetadata(bytes: Uint8Array): OnnxFileInfo {
  const model = onnx.ModelProto.decode(bytes);
  const props: Record<string, string> = {};
  for (const p of model.metadataProps) if (p.key) props[p.key] = p.value ?? '';
  const input = model.graph?.input?.find((i) => !model.graph?.initializer?.some((t) => t.name === i.name));
  const tensorType = input?.type?.tensorType;
  const elem = tensorType?.elemType;
  const k = METADATA_KEYS;
  return {
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    irVersion: Number(model.irVersion ?? 0),
    opset: Number(model.opsetImport.find((o) => !o.domain)?.version ?? 0),
    inputName: input?.name ?? '',
    inputType: elem === onnx.TensorProto.DataType.FLOAT ? 'float32' : elem === onnx.TensorProto.DataType.UINT8 ? 'uint8' : 'other',
    inputShape: (tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))),
    outputNames: (model.graph?.output ?? []).map((o) => o.name ?? ''),
    props,
    classes: parseList(props[k.classes])?.map(String) ?? null,
    preprocessing: parsePreprocessing(props),
    bakedPreprocessing: props[k.preprocessing] === 'baked',
    modelId: props[k.modelId] ?? null,
    trainingRunId: props[k.trainingRun] ?? null,
    apprenticeVersion: props[k.version] ?? null,
  };
}

function parsePreprocessing(props: Record<string, string>): PreprocessingSpec | null {
  const k = METADATA_KEYS;
  const size = /^(\d+)x(\d+)$/.exec(props[k.inputSize] ?? '');
  const channels = Number(props[k.channels]);
  if (!size || !Number.isInteger(channels)) return null;
  const mean = parseList(props[k.mean])?.map(Number);
  const std = parseList(props[k.std])?.map(Number);
  return {
    width: Number(size[1]),
    height: Number(size[2]),
    channels,
    layout: 'nhwc',
    scale: props[k.scale] !== undefined ? Number(props[k.scale]) : 1 / 255,
    ...(mean ? { mean } : {}),
    ...(std ? { std } : {}),
  };
}

/** A list written as JSON, or as "a,b,c" (the CLI flags' form) by someone else's tool. */
function parseList(text: string | undefined): unknown[] | null {
  if (text === undefined || text === '') return null;
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) return v;
  } catch {
    // not JSON: fall through to comma-separated
  }
  return text.split(',').map((s) => s.trim());
}
