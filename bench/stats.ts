/** Small helpers shared by the benchmarks: timing, percentiles and reporting. */
import { appendFileSync } from 'node:fs';
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Print one bench's figures; with BENCH_RESULTS set (bench/run.ts sets it for itself and the
 * benches it starts as processes) also append them as a JSON line, from which the README's
 * performance section is written (bench/readme-performance.ts).
 */
export function report(name: string, figures: Record<string, string | number>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`);
  console.log(`[${name}] ${parts.join('  ')}`);
  const file = process.env.BENCH_RESULTS;
  if (file) appendFileSync(file, JSON.stringify({ name, figures, at: new Date().toISOString() }) + '\n');
}
