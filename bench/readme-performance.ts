/**
 * The README's performance section, written from what `npm run bench -- --readme` measured in
 * that run (the JSON lines that bench/stats.ts's `report` appends to BENCH_RESULTS).
 *
 * Each row is one figure of issue 15's table: ours, the reference measured in the same run, and
 * the ratio. A run of only some benches (`npm run bench -- small-cnn --readme`) rewrites only
 * their rows; the others keep what an earlier run wrote, with that run's date.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface BenchResult {
  name: string;
  figures: Record<string, string | number>;
  at: string;
}

interface Row {
  label: string;
  /** Which report (by name, or name prefix ending in '*'). */
  report: string;
  ours: (f: Record<string, string | number>) => string;
  reference: (f: Record<string, string | number>) => string;
  ratio: string;
  goal: string;
}

const START = '<!-- PERFORMANCE_START (written by `npm run bench -- --readme`) -->';
const END = '<!-- PERFORMANCE_END -->';

const n = (v: string | number | undefined, digits = 0): string =>
  typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(v ?? '?');

const ROWS: Row[] = [
  {
    label: 'Small CNN training, Fashion-MNIST (batch 64, Adam)',
    report: 'small-cnn',
    ours: (f) => `${n(f['tfjs img/s'])} img/s, ${n(f['tfjs CPU ms/img'], 2)} CPU ms/img, test acc ${n(100 * Number(f['tfjs test accuracy']), 1)}% (${f.tfjs})`,
    reference: (f) => `${n(f['pytorch img/s'])} img/s, ${n(f['pytorch CPU ms/img'], 2)} CPU ms/img, test acc ${n(100 * Number(f['pytorch test accuracy']), 1)}% (${f.pytorch})`,
    ratio: 'ratio img/s',
    goal: '>= 1.0x, accuracy within 1 point',
  },
  {
    label: 'The whole `apprentice train` command (3 epochs, 5,000 PNGs), timed from outside',
    report: 'train command*',
    ours: (f) => `${n(f['command img/s (wall)'])} img/s over ${n(f['command wall s'], 1)} s (batch loop ${n(f['reported batch-loop img/s'])} img/s, ${f.backend})`,
    reference: (f) => `PyTorch batch loop ${n(f['pytorch batch loop img/s'])} img/s (${f.pytorch})`,
    ratio: 'ratio command wall vs pytorch batch loop',
    goal: '>= 0.8x',
  },
  ...(['mobilenetv2', 'resnet'] as const).map((arch): Row => ({
    label: `${arch === 'resnet' ? 'ResNet' : 'MobileNetV2'}-style training at 96x96x3`,
    report: `architectures-${arch}`,
    ours: (f) => `${n(f['tfjs img/s'], 1)} img/s, ${n(f['tfjs CPU ms/img'], 1)} CPU ms/img (${f.tfjs})`,
    reference: (f) => `the same network in PyTorch: ${n(f['pytorch img/s'], 1)} img/s, ${n(f['pytorch CPU ms/img'], 1)} CPU ms/img (${f.pytorch})`,
    ratio: 'ratio img/s',
    goal: '>= 0.7x',
  })),
  ...([['28x28 PNGs, small CNN', 'pseudo-label small-cnn 28x28x1'], ['96x96 RGB, MobileNetV2', 'pseudo-label mobilenetv2 96x96x3']] as const).map(([what, report]): Row => ({
    label: `Pseudo-label first pass (decode, preprocess, infer), ${what}`,
    report,
    ours: (f) => `${n(f['first pass (decode+preprocess+infer) img/s'])} img/s (onnxruntime ${f['ours intraOpNumThreads']} thread(s) + ${f['ours decode threads']} decode thread)`,
    reference: (f) => `onnxruntime on decoded tensors: ${n(f['onnxruntime on decoded tensors img/s'])} img/s (${f.reference})`,
    ratio: 'ratio first pass',
    goal: '>= 0.9x',
  })),
  {
    label: 'Import, 2,000 JPEGs 640x480 (hash, copy, thumbnail, SQLite)',
    report: 'import',
    ours: (f) => `${n(f['apprentice img/s'])} img/s, ${n(f['apprentice cpu ms/img'], 2)} CPU ms/img`,
    reference: (f) => `raw sharp decode + thumbnail: ${n(f['raw sharp img/s'])} img/s (${f.reference})`,
    ratio: 'ratio',
    goal: '>= 0.95x',
  },
  {
    label: 'CLI start-up (`apprentice stats`)',
    report: 'cli-startup',
    ours: (f) => `${n(1000 * Number(f.statsMedianS))} ms median (${f.ran})`,
    reference: (f) => `bare \`node -e ""\`: ${n(1000 * Number(f.nodeMedianS))} ms`,
    ratio: 'ratio',
    goal: '< 150 ms',
  },
];

function findReport(results: BenchResult[], pattern: string): BenchResult | undefined {
  const matches = results.filter((r) => (pattern.endsWith('*') ? r.name.startsWith(pattern.slice(0, -1)) : r.name === pattern));
  return matches.at(-1);
}

function tableLine(row: Row, r: BenchResult): string {
  const ratio = r.figures[row.ratio];
  return `| ${row.label} | ${row.ours(r.figures)} | ${row.reference(r.figures)} | **${n(ratio, 2)}x** | ${row.goal} | ${r.at.slice(0, 10)} |`;
}

export function performanceSection(results: BenchResult[], previous: string): string {
  const kept = new Map<string, string>();
  for (const line of previous.split('\n')) {
    const label = /^\| (.+?) \|/.exec(line)?.[1];
    if (label && ROWS.some((r) => r.label === label)) kept.set(label, line);
  }
  const lines = ROWS.map((row) => {
    const r = findReport(results, row.report);
    return r ? tableLine(row, r) : kept.get(row.label) ?? `| ${row.label} | not measured yet | | | ${row.goal} | |`;
  });
  const cpu = cpus();
  return [
    START,
    `Measured by \`npm run bench -- --readme\` on ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), Node ${process.versions.node}; ` +
      'each ratio is ours over the reference measured in the same run (the machine is shared: expect +-20% between runs).',
    '',
    '| figure | Apprentice | reference, same run | ratio | goal | measured |',
    '|---|---|---|---|---|---|',
    ...lines,
    END,
  ].join('\n');
}

/** Rewrite the section between the markers in README.md (added before "## Layout" when missing). */
export function writeReadmePerformance(readmePath: string, resultsFile: string): void {
  const text = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
  const results = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BenchResult);
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  let next: string;
  if (start >= 0 && end > start) {
    next = readme.slice(0, start) + performanceSection(results, readme.slice(start, end)) + readme.slice(end + END.length);
  } else {
    const at = readme.indexOf('\n## Layout');
    const section = `\n## Performance\n\n${performanceSection(results, '')}\n`;
    next = at >= 0 ? readme.slice(0, at) + section + readme.slice(at) : readme + section;
  }
  writeFileSync(readmePath, next);
}
