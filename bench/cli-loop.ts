// The whole CLI loop run N times in a row, one `apprentice` process per step (as src/cli/loop-process.test.ts
// does once per run, with its checks), counting the runs in which every step exited 0.
// `node bin/run-ts.js bench/cli-loop.ts [--runs 20]`. Not in `npm run bench`: 20 runs take ~10 minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../src/test-support/cli';
import { writeColorDataset, writeColorTeacher } from '../src/test-support/color-dataset';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 20;

/** One loop; returns null when every step exited 0, else the step that did not and its stderr's last line. */
async function loop(dir: string): Promise<string | null> {
  await writeColorDataset(dir);
  const proj = join(dir, 'project');
  const teacher = join(dir, 'teacher.onnx');
  writeColorTeacher(teacher);
  const classes = ['--classes', 'red,green,blue'];
  let last: Record<string, unknown> = {};
  const step = async (args: string[]) => {
    const r = await cli([...args, '--json', '--verbose']);
    if (r.code !== 0) throw new Error(`${args[0]} exited ${r.code}:\n${r.stderr.trim().split('\n').filter((l) => !l.startsWith('{"progress"')).slice(-25).join('\n')}`);
    last = JSON.parse(r.stdout) as Record<string, unknown>;
  };
  try {
    await step(['init', proj]);
    await step(['import', proj, join(dir, 'labeled')]);
    await step(['import', proj, join(dir, 'pool'), '--format', 'folder', '--split', 'unlabeled']);
    await step(['pseudo-label', proj, '--teacher', teacher, ...classes]);
    await step(['predict', proj, '--model', teacher, ...classes, '--split', 'unlabeled']);
    await step(['review', proj, '--accept-above', '0.6']);
    await step(['train', proj, '--arch', 'small-cnn', '--epochs', '2', '--batch', '16', '--lr', '0.003', '--teacher', teacher, ...classes, '--alpha', '0.5', '--temperature', '2', '--seed', '1']);
    const student = last.modelId as string;
    await step(['evaluate', proj, '--model', student, '--split', 'test']);
    const out = join(dir, 'student.onnx');
    await step(['export-model', proj, '--model', student, '--format', 'onnx', '--out', out, '--verify']);
    if (last.verified !== true) throw new Error('export-model did not verify');
    await step(['predict', proj, '--model', out, '--split', 'test']);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

let passed = 0;
const started = Date.now();
for (let i = 1; i <= runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-cli-loop-'));
  const failure = await loop(dir);
  rmSync(dir, { recursive: true, force: true });
  if (!failure) passed++;
  console.log(`run ${i}: ${failure ?? 'every step exited 0'}`);
}
console.log(`cli-loop: ${passed} of ${runs} runs exited 0 at every step (${((Date.now() - started) / 1000 / runs).toFixed(1)} s per run)`);
process.exitCode = passed === runs ? 0 : 1;
