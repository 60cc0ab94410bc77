/** One line per backend of a runBench() result, with ratios against wasm measured in the same thread. */
import { report } from '../stats';
import type { BackendResult } from './page';

export function reportResults(route: string, results: BackendResult[], batch: number): void {
  const wasm = results.find((r) => r.backend === 'wasm');
  for (const r of results) {
    if (r.error) {
      console.log(`[${route} ${r.backend}] failed: ${r.error}`);
      continue;
    }
    report(`${route} ${r.backend}`, {
      active: r.active!, batch,
      ...(r.imagesPerSecond === undefined
        ? { role: 'gradient reference' }
        : { steps: r.steps!, 'img/s': r.imagesPerSecond, 'step ms': r.stepMs!, 'first step ms': r.firstStepMs! }),
      ...(r.gradMaxRelDiff === undefined
        ? {}
        : { 'grad max rel diff vs cpu': r.gradMaxRelDiff.toExponential(2), 'loss diff vs cpu': r.lossAbsDiff!.toExponential(2) }),
      ...(wasm?.imagesPerSecond && r.imagesPerSecond && r.backend !== 'wasm' ? { 'x wasm (same thread)': r.imagesPerSecond / wasm.imagesPerSecond } : {}),
    });
  }
}
