/**
 * A trained box student in the project: models/<id>/ holds the tfjs layers model (model.json +
 * weights.bin, as every trained model) and detector.json, which says how to run it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../../media/files';
import { loadModelFiles, saveModelFiles } from '../model-files';
import { DETECTOR_STRIDE } from './model';
import type { DecodeOptions } from './decode';

export const DETECTOR_SPEC_FILE = 'detector.json';
import { PROJECT_DETECTOR_ARCH } from './arch';

export { PROJECT_DETECTOR_ARCH };

export interface ProjectDetectorSpec {
  format: 'apprentice-detector';
  version: 1;
  inputSize: number;
  channels: 1 | 3;
  stride: number;
  grid: number;
  classes: string[];
  /** Default thresholds when it pre-labels boxes. */
  decode: Required<DecodeOptions>;
}

export function isProjectDetectorDir(dir: string): boolean {
  return existsSync(join(dir, DETECTOR_SPEC_FILE));
}

export async function saveDetector(dir: string, model: tf.LayersModel, spec: Omit<ProjectDetectorSpec, 'format' | 'version' | 'stride'>, ids: { id: string; runId: string }): Promise<void> {
  await saveModelFiles(dir, model, {
    id: ids.id, arch: PROJECT_DETECTOR_ARCH, classes: spec.classes,
    input: { height: spec.inputSize, width: spec.inputSize, channels: spec.channels, layout: 'nhwc', scale: 1 / 255 },
    createdAt: new Date().toISOString(), trainingRunId: ids.runId,
  });
  const full: ProjectDetectorSpec = { format: 'apprentice-detector', version: 1, stride: DETECTOR_STRIDE, ...spec };
  await writeFileAtomic(join(dir, DETECTOR_SPEC_FILE), JSON.stringify(full, null, 2));
}

export async function loadDetector(dir: string): Promise<{ model: tf.LayersModel; spec: ProjectDetectorSpec }> {
  const spec = JSON.parse(readFileSync(join(dir, DETECTOR_SPEC_FILE), 'utf8')) as ProjectDetectorSpec;
  if (spec.format !== 'apprentice-detector' || spec.version !== 1) throw new Error(`${join(dir, DETECTOR_SPEC_FILE)} is not a detector this version of Apprentice can run`);
  const { model } = await loadModelFiles(dir);
  return { model, spec };
}
