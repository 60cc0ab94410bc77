import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import { modelPath, resolveInside } from '../../store';
import type { InputSpec } from '../data/input-spec';
import { loadModelFiles } from '../model-files';
import { OnnxClassifier, resolveOnnxSpec, type OnnxInputSpec } from '../../inference/onnx';
import { downloadZooModel, isDownloaded, zooDir, zooEntries, type ZooEntry } from './zoo';

/** A pretrained ONNX network run by onnxruntime for features (frozen mode only: it cannot be trained here). */
export interface OnnxBackbone {
  kind: 'onnx';
  file: string;
  spec: OnnxInputSpec;
  input: InputSpec;
  featureDim: number;
  key: string;
  name: string;
}

/** A pretrained network whose penultimate activations serve as image features. */
export interface Backbone {
  kind?: 'tfjs';
  /** Image [h,w,c] in [0,1] -> feature vector [d]. */
  extractor: tf.LayersModel;
  input: InputSpec;
  featureDim: number;
  /** Identifies the backbone's weights: the feature cache is keyed by it. */
  key: string;
  name: string;
}

/**
 * Load a backbone by project model id, tfjs model folder or model.json. The feature extractor is
 * the network up to the input of its last layer (the classifier), so any classifier trained here
 * or elsewhere in tfjs works. ONNX backbones are not read here: their conversion to a trainable
 * graph is not supported, and this is said plainly.
 */
export async function loadBackbone(
  db: Database.Database,
  projectDir: string,
  ref: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; zoo?: ZooEntry[] } = {},
): Promise<Backbone> {
  if (existsSync(ref) && extname(ref).toLowerCase() === '.onnx') {
    throw new AppError('INVALID_INPUT', `${ref} is an ONNX model: load it with loadOnnxBackbone.`);
  }
  if (ref.startsWith('zoo:')) return loadZooBackbone(projectDir, ref.slice(4), opts);
  let dir: string;
  if (existsSync(ref)) {
    dir = statSync(ref).isDirectory() ? ref : dirname(ref);
    if (!existsSync(join(dir, 'model.json'))) throw new AppError('INVALID_INPUT', `${ref} has no model.json: not a tfjs model.`);
  } else {
    dir = resolveInside(projectDir, modelPath(db, ref), 'model folder');
  }
  const weights = readFileSync(join(dir, 'model.json'));
  const { model, metadata } = await loadModelFiles(dir);
  const last = model.layers[model.layers.length - 1]!;
  const features = last.input as tf.SymbolicTensor;
  if (Array.isArray(features) || features.shape.length !== 2) {
    throw new AppError('UNSUPPORTED', `The backbone's last layer (${last.name}) does not take a flat feature vector; it cannot be used as a feature extractor.`);
  }
  const extractor = tf.model({ inputs: model.inputs, outputs: features, name: 'backbone' });
  const shape = model.inputs[0]!.shape;
  const input: InputSpec = metadata?.input
    ? { height: metadata.input.height, width: metadata.input.width, channels: metadata.input.channels }
    : { height: shape[1]!, width: shape[2]!, channels: shape[3] === 1 ? 1 : 3 };
  const key = createHash('sha256').update(weights).update(readFileSync(join(dir, 'weights.bin'))).digest('hex').slice(0, 16);
  return { extractor, input, featureDim: features.shape[1]!, key, name: metadata?.id ?? dir };
}

/**
 * A zoo backbone (downloaded into the project on first use): the network up to its feature layer,
 * globally average-pooled, behind a rescaling layer that maps our [0, 1] pixels to the range the
 * network was trained on.
 */
async function loadZooBackbone(
  projectDir: string,
  name: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; zoo?: ZooEntry[] },
): Promise<Backbone> {
  const entries = opts.zoo ?? zooEntries();
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new AppError('NOT_FOUND', `There is no backbone "${name}" in the model zoo (known: ${entries.map((e) => e.name).join(', ')}).`);
  const dir = isDownloaded(projectDir, name) ? zooDir(projectDir, name) : await downloadZooModel(projectDir, entry, opts);
  const { model } = await loadModelFiles(dir);
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(entry.featureLayer);
  } catch {
    throw new AppError('INVALID_INPUT', `The zoo model "${name}" has no layer "${entry.featureLayer}".`);
  }
  const truncated = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  const { height, width, channels } = entry.input;
  const image = tf.input({ shape: [height, width, channels], name: 'image' });
  const scaled = tf.layers.rescaling({ scale: entry.input.scale * 255, offset: entry.input.offset, name: 'zoo_rescale' }).apply(image) as tf.SymbolicTensor;
  let features = truncated.apply(scaled) as tf.SymbolicTensor;
  if (features.shape.length === 4) features = tf.layers.globalAveragePooling2d({ name: 'zoo_gap' }).apply(features) as tf.SymbolicTensor;
  const extractor = tf.model({ inputs: image, outputs: features, name: 'backbone' });
  const key = createHash('sha256').update(readFileSync(join(dir, 'model.json'))).update(entry.featureLayer).digest('hex').slice(0, 16);
  return { extractor, input: { height, width, channels }, featureDim: features.shape[1]!, key, name: `zoo:${name}` };
}

/**
 * An ONNX backbone: its preprocessing resolved like a teacher's (sidecar, metadata, shape), its
 * output used as features (a feature map is averaged over its positions).
 */
export async function loadOnnxBackbone(file: string): Promise<OnnxBackbone> {
  const { spec } = resolveOnnxSpec(file);
  const runner = await OnnxClassifier.load(file, spec, 'features');
  const featureDim = runner.featureDim;
  await runner.release();
  // The preprocessing is part of the key: features of pixels resized or normalized otherwise are other features.
  const key = createHash('sha256').update(readFileSync(file)).update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  return { kind: 'onnx', file, spec, input: { height: spec.height, width: spec.width, channels: spec.channels }, featureDim, key, name: basename(file) };
}

export const isOnnxBackboneRef = (ref: string): boolean => extname(ref).toLowerCase() === '.onnx';
