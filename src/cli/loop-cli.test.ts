import { afterEach, describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../test-support/cli';
import { tempDir, writeTopBottomDataset } from '../test-support/fixtures';
import { readOnnxMetadata } from '../export';


let cleanup = () => {};
afterEach(() => cleanup());

describe('the teacher loop and export on the command line', () => {
  test('pseudo-label with a trained teacher, bulk review, export the model to ONNX verified', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const proj = join(t.dir, 'p');
    await writeTopBottomDataset(join(t.dir, 'labeled'), 15);
    await writeTopBottomDataset(join(t.dir, 'pool'), 10, 16, 999); // other noise: other images
    await cli(['init', proj]);
    await cli(['import', proj, join(t.dir, 'labeled')]);
    // The pool's own labels are not wanted: import it as unlabeled images, by file.
    const unl = JSON.parse((await cli(['import', proj, join(t.dir, 'pool'), '--format', 'folder', '--split', 'unlabeled', '--json'])).stdout);
    expect(unl.imported).toBe(20);
    const teacher = JSON.parse((await cli(['train', proj, '--epochs', '4', '--batch', '8', '--lr', '0.005', '--json'])).stdout);

    const labeled = await cli(['pseudo-label', proj, '--teacher', teacher.modelId, '--temperature', '2', '--json']);
    expect(labeled.code).toBe(0);
    expect(JSON.parse(labeled.stdout)).toEqual({ labeled: 20, skipped: 0, errors: [], round: 1 });
    // Running it again labels nothing new: every image already has this teacher's label.
    expect(JSON.parse((await cli(['pseudo-label', proj, '--teacher', teacher.modelId, '--json'])).stdout)).toMatchObject({ labeled: 0, skipped: 20 });
    let stats = JSON.parse((await cli(['stats', proj, '--json'])).stdout);
    expect(stats.pseudo).toEqual({ pending: 20, accepted: 0, rejected: 0, corrected: 0 });

    const dry = JSON.parse((await cli(['review', proj, '--accept-above', '0.5', '--dry-run', '--json'])).stdout);
    expect(dry.accepted).toBe(20);
    const reviewed = JSON.parse((await cli(['review', proj, '--accept-above', '0.5', '--class', 'top', '--json'])).stdout);
    expect(reviewed.accepted).toBeGreaterThan(0);
    stats = JSON.parse((await cli(['stats', proj, '--json'])).stdout);
    expect(stats.pseudo.accepted).toBe(reviewed.accepted);
    expect(stats.pseudo.pending).toBe(20 - reviewed.accepted);
    expect((await cli(['review', proj, '--accept-above', '0.5', '--reject-below', '0.2'])).code).toBe(2);

    const onnxPath = join(t.dir, 'out', 'student.onnx');
    const exported = await cli(['export-model', proj, '--model', teacher.modelId, '--format', 'onnx', '--out', onnxPath, '--verify', '--json']);
    expect(exported.code).toBe(0);
    const r = JSON.parse(exported.stdout);
    expect(r).toMatchObject({ out: onnxPath, format: 'onnx', verified: true });
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    const meta = readOnnxMetadata(readFileSync(onnxPath));
    expect(meta.classes).toEqual(['bottom', 'top']);
    const tfjsOut = join(t.dir, 'out', 'tfjs');
    expect(JSON.parse((await cli(['export-model', proj, '--model', teacher.modelId, '--format', 'tfjs', '--out', tfjsOut, '--json'])).stdout)).toMatchObject({ format: 'tfjs', verified: false });
    for (const f of ['model.json', 'weights.bin', 'labels.txt', 'README.md']) expect(existsSync(join(tfjsOut, f))).toBe(true);
  }, 300_000); // a dozen processes and a training run: generous on a loaded machine
});
