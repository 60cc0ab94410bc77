import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { SpecOverrides } from '../inference';

/** A model reference that names an ONNX file (imported as a teacher, then used by id) rather than a model id. */
export function isOnnxFileRef(ref: string): boolean {
  return /\.onnx$/i.test(ref);
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * What makes two imports of an ONNX file the same teacher: the file's content (sha256), its
 * sidecar's content, and the preprocessing flags given (a detector's thresholds are per run, so
 * they are left out). Another path to the same bytes, with the same sidecar and flags, is the
 * same teacher; other classes or preprocessing make another one.
 */
export async function teacherImportKey(file: string, flags: SpecOverrides): Promise<string> {
  // Loaded here, not at the top: inference/ brings the ONNX reader, which reading a project never needs.
  const { sidecarPath } = await import('../inference');
  const side = sidecarPath(file);
  const sidecarHash = existsSync(side) ? createHash('sha256').update(readFileSync(side)).digest('hex') : null;
  const { scoreThreshold: _s, iouThreshold: _i, ...preprocessing } = flags;
  const sorted = Object.fromEntries(Object.entries(preprocessing).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ sha256: await fileSha256(file), sidecar: sidecarHash, flags: sorted });
}

/** Names a teacher was given when nothing named its classes (CLI.md: "else class_0.."). */
export function namesNoClasses(classes: string[]): boolean {
  return classes.every((name, i) => name === `class_${i}`);
}
