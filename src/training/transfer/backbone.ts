import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import { modelPath } from '../../store';
import type { InputSpec } from '../data/input-spec';
import { loadModelFiles } from '../model-files';

/** A pretrained network whose penultimate activations serve as image features. */
export interface Backbone {
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
export async function loadBackbone(db: Database.Database, projectDir: string, ref: string): Promise<Backbone> {
  let dir: string;
  if (existsSync(ref)) {
    if (extname(ref).toLowerCase() === '.onnx') {
      throw new AppError('UNSUPPORTED', `${ref} is an ONNX model: use a tfjs model (model.json) or a model trained in this project as the backbone.`);
    }
    dir = statSync(ref).isDirectory() ? ref : dirname(ref);
    if (!existsSync(join(dir, 'model.json'))) throw new AppError('INVALID_INPUT', `${ref} has no model.json: not a tfjs model.`);
  } else {
    dir = join(projectDir, modelPath(db, ref));
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
