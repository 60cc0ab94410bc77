/** Learning-rate schedules: the rate for a given epoch (0-based) from the base rate. */
export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'cosine'; minFactor?: number };

export function learningRateAt(schedule: Schedule, base: number, epoch: number, epochs: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'step':
      return base * schedule.gamma ** Math.floor(epoch / Math.max(1, schedule.every));
    case 'cosine': {
      // Anneal from base to base*minFactor over the run (SGDR without restarts).
      const min = base * (schedule.minFactor ?? 0);
      const t = epochs <= 1 ? 0 : epoch / (epochs - 1);
      return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t));
    }
  }
}

/** Parse `--schedule constant | step:EVERY:GAMMA | cosine[:MINFACTOR]`. */
export function parseSchedule(text: string): Schedule {
  const [kind, a, b] = text.split(':');
  if (kind === 'constant' && a === undefined) return { kind: 'constant' };
  if (kind === 'step') {
    const every = Number(a ?? 10);
    const gamma = Number(b ?? 0.1);
    if (!Number.isInteger(every) || every < 1 || !(gamma > 0 && gamma <= 1)) {
      throw new Error(`schedule "${text}": step:EVERY:GAMMA needs a whole EVERY >= 1 and 0 < GAMMA <= 1`);
    }
    return { kind: 'step', every, gamma };
  }
  if (kind === 'cosine') {
    const minFactor = a === undefined ? 0 : Number(a);
    if (!(minFactor >= 0 && minFactor < 1)) throw new Error(`schedule "${text}": cosine:MINFACTOR needs 0 <= MINFACTOR < 1`);
    return { kind: 'cosine', minFactor };
  }
  throw new Error(`schedule "${text}": expected constant, step:EVERY:GAMMA or cosine[:MINFACTOR]`);
}
