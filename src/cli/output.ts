import type { JobProgress } from '../api/types';

/**
 * How a verb talks: with --json, one JSON object on stdout and progress as JSON lines on
 * stderr; otherwise readable lines, and a progress bar when stderr is a terminal.
 */
export class Output {
  private lastBar = '';

  constructor(
    readonly json: boolean,
    private readonly tty: boolean = Boolean(process.stderr.isTTY),
  ) {}

  progress(p: JobProgress): void {
    if (this.json) {
      process.stderr.write(JSON.stringify({ progress: p }) + '\n');
      return;
    }
    if (!this.tty) return;
    const width = 30;
    const frac = p.total > 0 ? Math.min(1, p.step / p.total) : 0;
    const filled = Math.round(frac * width);
    const eta = p.etaS !== undefined ? ` eta ${p.etaS}s` : '';
    const bar = `${p.phase.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.step}/${p.total}${eta}`;
    if (bar !== this.lastBar) process.stderr.write(`\r${bar}\x1b[K`);
    this.lastBar = bar;
  }

  endProgress(): void {
    if (this.lastBar) process.stderr.write('\n');
    this.lastBar = '';
  }

  /** The verb's result: JSON, or the human lines given. */
  result(value: unknown, human: () => string[]): void {
    if (this.json) process.stdout.write(JSON.stringify(value) + '\n');
    else process.stdout.write(human().join('\n') + '\n');
  }
}
