/**
 * The TensorFlow.js export: model.json + weights.bin (the standard layers-model format, loadable by
 * tf.loadLayersModel anywhere), labels.txt and README.md. Every file is written atomically, so an
 * interrupted export never leaves a half-written model beside a complete-looking model.json.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../media';
import type { ExportMetadata } from './metadata';
import { exportReadme, labelsText } from './readme';

export const TFJS_FILES = { model: 'model.json', weights: 'weights.bin', labels: 'labels.txt', readme: 'README.md' } as const;

export async function exportTfjs(model: tf.LayersModel, meta: ExportMetadata, dir: string, options: { apprenticeVersion?: string } = {}): Promise<string[]> {
  let weights: Uint8Array | null = null;
  let json = '';
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      if (!data) throw new Error('the model has no weights to export');
      weights = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
      json = JSON.stringify({
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `Apprentice ${options.apprenticeVersion ?? ''} (tfjs ${tf.version.tfjs})`.replace('  ', ' '),
        convertedBy: null,
        weightsManifest: [{ paths: [TFJS_FILES.weights], weights: artifacts.weightSpecs }],
        userDefinedMetadata: { apprentice: meta },
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  // Weights before model.json: a reader that finds model.json finds its weights too.
  await writeFileAtomic(join(dir, TFJS_FILES.weights), weights!);
  await writeFileAtomic(join(dir, TFJS_FILES.model), json);
  await writeFileAtomic(join(dir, TFJS_FILES.labels), labelsText(meta.classes));
  await writeFileAtomic(join(dir, TFJS_FILES.readme), exportReadme(meta, { format: 'tfjs' }));
  return Object.values(TFJS_FILES).map((f) => join(dir, f));
}

/** Loads a folder written by exportTfjs (for verification; it does not need a file:// handler). */
export async function loadTfjsExport(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, TFJS_FILES.model), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(dir, p)))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}
