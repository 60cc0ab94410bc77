// Start-up of the `apprentice` command: `apprentice stats <project>` on a fresh project, each run
// its own process as a user's shell starts it, against bare Node start-up (`node -e ""`) measured
// in the same run, the two interleaved so that the machine's load weighs on both alike.
// Prints whether bin/apprentice.js ran the built CLI (out/main/cli.js) or fell back to tsx.
// `npm run bench -- cli-startup`, or `node bin/run-ts.js bench/cli-startup.ts [--runs 10]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliBuild } from '../bin/cli-build.js';
import { percentile, report } from './stats';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/apprentice.js');

/** Wall seconds of one process run to its end; throws when it fails. */
function run(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  return seconds;
}

export async function benchCliStartup(runs = 10): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-cli-startup-'));
  try {
    const project = join(dir, 'project');
    run([BIN, 'init', project, '--classes', 'a,b']);
    const { built, reason } = cliBuild(ROOT);
    // One run of each first: it fills the OS file cache and Node's compile cache, as any earlier
    // use of the command would have.
    run([BIN, 'stats', project]);
    run(['-e', '']);
    const stats: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < runs; i++) {
      stats.push(run([BIN, 'stats', project]));
      node.push(run(['-e', '']));
    }
    const statsS = percentile(stats, 50);
    const nodeS = percentile(node, 50);
    report('cli-startup', {
      ran: built ? 'built out/main/cli.js' : `tsx fallback (${reason})`,
      runs,
      statsMedianS: statsS,
      nodeMedianS: nodeS,
      ratio: statsS / nodeS,
      statsOverNodeS: statsS - nodeS,
    });
    if (!built) console.log('[cli-startup] run `npm run build` to measure the built CLI');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /cli-startup\.ts$/.test(process.argv[1])) {
  const runsArg = process.argv.indexOf('--runs');
  await benchCliStartup(runsArg >= 0 ? Number(process.argv[runsArg + 1]) : undefined);
}
