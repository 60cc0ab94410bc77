import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../api/errors';
import { writeFileAtomic } from '../../media/files';
import { pathInside } from '../../store';

export interface ZooEntry {
  name: string;
  description: string;
  url: string;
  featureLayer: string;
  /** scale/offset map 0..255 pixels to what the network was trained on. */
  input: { height: number; width: number; channels: 1 | 3; layout: 'nhwc'; scale: number; offset: number };
  license: string;
}

/** resources/model-zoo.json, found by walking up from this module (sources and bundles sit at different depths). */
function shippedZooFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'resources', 'model-zoo.json');
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  throw new AppError('NOT_FOUND', 'The model zoo list (resources/model-zoo.json) is missing from this installation.');
}

/** The zoo list; APPRENTICE_ZOO_FILE points at another list (a lab's own mirror, or tests). */
export function zooEntries(file = process.env.APPRENTICE_ZOO_FILE ?? shippedZooFile()): ZooEntry[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { models: ZooEntry[] }).models;
}

export function zooDir(projectDir: string, name: string): string {
  return pathInside(projectDir, ['models', 'zoo'], name, 'zoo model name');
}

export function isDownloaded(projectDir: string, name: string): boolean {
  return existsSync(join(zooDir(projectDir, name), 'model.json'));
}

async function fetchBytes(url: string, signal: AbortSignal | undefined, entry: ZooEntry, dir: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000) });
  } catch (err) {
    signal?.throwIfAborted();
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new AppError(
      'IO_ERROR',
      `Could not download the backbone "${entry.name}" from ${url} (${cause?.code ?? cause?.message ?? (err as Error).message}). ` +
        `This computer seems to be offline: on a machine with internet, download model.json and its weight files from that address, ` +
        `copy them into ${dir}, and train again.`,
      { url, dir },
    );
  }
  if (!res.ok) throw new AppError('IO_ERROR', `Downloading "${entry.name}" failed: ${url} answered ${res.status} ${res.statusText}.`, { url });
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Download a zoo backbone (model.json and every weight file it lists) into the project, each file
 * written atomically, model.json last, so a half-finished download is never taken for a model.
 */
export async function downloadZooModel(
  projectDir: string,
  entry: ZooEntry,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<string> {
  const dir = zooDir(projectDir, entry.name);
  const modelJson = await fetchBytes(entry.url, opts.signal, entry, dir);
  let manifest: { weightsManifest?: { paths: string[] }[] };
  try {
    manifest = JSON.parse(Buffer.from(modelJson).toString('utf8'));
  } catch {
    throw new AppError('IO_ERROR', `${entry.url} did not return a model.json (not JSON).`);
  }
  const paths = (manifest.weightsManifest ?? []).flatMap((g) => g.paths);
  for (const [i, p] of paths.entries()) {
    if (p.includes('..') || p.startsWith('/')) throw new AppError('IO_ERROR', `${entry.url} lists a weight file outside its folder: ${p}`);
    await writeFileAtomic(join(dir, p), await fetchBytes(new URL(p, entry.url).href, opts.signal, entry, dir));
    opts.onProgress?.(i + 1, paths.length);
  }
  await writeFileAtomic(join(dir, 'model.json'), modelJson);
  return dir;
}
