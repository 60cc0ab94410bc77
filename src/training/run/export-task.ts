import type Database from 'better-sqlite3';
import { exportModel, type ExportFormat, type ExportModelResult } from '../../export';
import { selectTrainingBackend } from '../backend';
import { decodeImages } from '../../media';
import type { InputSpec } from '../data/input-spec';
import { loadModelFiles } from '../model-files';
import { resolveModelDir } from './predict-model';

/** Verification runs on this many of the project's own images (and random ones when it has fewer). */
const SAMPLE_IMAGES = 64;

/**
 * Export a model of the project (ONNX or tfjs) and, when asked, verify the written file against
 * the model on a sample of the project's real images.
 */
export async function exportProjectModel(
  db: Database.Database,
  projectDir: string,
  args: { model: string; format: ExportFormat; out: string; verify: boolean; baked: boolean; apprenticeVersion: string },
  opts: { signal?: AbortSignal; onProgress?: (phase: string, step: number, total: number) => void },
): Promise<ExportModelResult> {
  await selectTrainingBackend();
  const { model, metadata } = await loadModelFiles(resolveModelDir(db, projectDir, args.model));
  try {
    const shape = model.inputs[0]!.shape;
    const input: InputSpec = metadata?.input ?? { height: shape[1]!, width: shape[2]!, channels: shape[3] === 1 ? 1 : 3 };
    const rows = db.prepare('SELECT media_path, sha256 FROM images ORDER BY random() LIMIT ?').all(SAMPLE_IMAGES) as { media_path: string; sha256: string }[];
    const samples = rows.length ? await decodeImages(projectDir, rows, input, opts.signal ? { signal: opts.signal } : {}) : undefined;
    return await exportModel(
      {
        model,
        meta: {
          id: metadata?.id ?? args.model,
          classes: metadata?.classes ?? Array.from({ length: model.outputs[0]!.shape[1]! }, (_, i) => `class_${i}`),
          input: { ...input, scale: 1 / 255, layout: 'nhwc' },
          ...(metadata?.arch ? { arch: metadata.arch } : {}),
          ...(metadata?.createdAt ? { createdAt: metadata.createdAt } : {}),
          ...(metadata?.trainingRunId ? { trainingRunId: metadata.trainingRunId } : {}),
        },
        format: args.format,
        out: args.out,
        verify: args.verify,
        ...(samples ? { samples } : {}),
        onnx: { bakedPreprocessing: args.baked, apprenticeVersion: args.apprenticeVersion },
        apprenticeVersion: args.apprenticeVersion,
      },
      { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (p) => opts.onProgress?.(p.phase, p.step, p.total) },
    );
  } finally {
    model.dispose();
  }
}
