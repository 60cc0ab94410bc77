/**
 * A child process for the crash tests of long jobs, killed with SIGKILL mid-way:
 *  - import <projectDir> <folder>: imports a folder; after each batch is committed it prints
 *    `stored N` (images now in the project).
 *  - train <projectDir> <runId>: trains (resuming run <runId> if it has a checkpoint) and prints
 *    `epoch N` for every finished epoch.
 * Run as: node bin/run-ts.js src/reliability/crash-jobs.ts <mode> <projectDir> <arg>
 */
import { importImages } from '../annotation';
import { countImages, openProject } from '../store';
import { runTraining } from '../training/run/run-training';
import { trainInputSchema } from '../api/schemas';

const [mode, dir, arg] = process.argv.slice(2);
const handle = openProject(dir!);
const { db } = handle;
const signal = new AbortController().signal;
const count = () => countImages(db);

if (mode === 'import') {
  process.stdout.write('ready\n');
  await importImages(db, handle.paths, { paths: [arg!], format: 'folder', split: 'auto' }, {
    signal,
    onProgress: () => {},
    onStored: () => process.stdout.write(`stored ${count()}\n`),
  });
  process.stdout.write('finished\n');
} else {
  let ready = false;
  const options = trainInputSchema.parse({ epochs: 500, batchSize: 8, resume: arg, seed: 1 });
  await runTraining(db, handle.paths.dir, { height: 16, width: 16, channels: 1 }, options, {
    signal,
    onProgress: (u) => {
      if (u.phase !== 'epoch') return;
      if (!ready) {
        ready = true;
        process.stdout.write('ready\n');
      }
      process.stdout.write(`epoch ${u.step}\n`);
    },
  });
}
