import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../../media/files';
import type { InputSpec } from '../data/input-spec';

/** What Apprentice stores beside a model's weights: enough to use it without the project. */
export interface ModelMetadata {
  id: string;
  arch: string;
  classes: string[];
  input: InputSpec & { layout: 'nhwc'; scale: number };
  createdAt: string;
  trainingRunId: string;
  /** A multi-label model: its logits go through a sigmoid per class, not a softmax (absent: single-label). */
  multiLabel?: boolean;
}

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * Save a tfjs layers model as `model.json` + `weights.bin` (the standard tfjs format, loadable by
 * tf.loadLayersModel anywhere), with our metadata inside model.json. Each file is written
 * atomically.
 */
export async function saveModelFiles(dir: string, model: tf.LayersModel, metadata: ModelMetadata): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      await writeFileAtomic(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `Apprentice (tfjs ${tf.version.tfjs})`,
        convertedBy: null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
        userDefinedMetadata: { apprentice: metadata },
      };
      await writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
}

/** Load a model saved by saveModelFiles (or any tfjs layers model folder with one weights file). */
export async function loadModelFiles(dir: string): Promise<{ model: tf.LayersModel; metadata: ModelMetadata | null }> {
  const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    userDefinedMetadata?: { apprentice?: ModelMetadata };
  };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
  return { model, metadata: json.userDefinedMetadata?.apprentice ?? null };
}
