import type { Split } from '../api/types';

/** Fractions used when Apprentice picks a split for a labeled image. */
export const AUTO_SPLIT = { train: 0.8, val: 0.1, test: 0.1 } as const;

/**
 * A labeled image's split, chosen from its content hash: the same image always lands in the
 * same split (re-imports and other machines agree), and the fractions hold on average.
 */
export function splitForHash(sha256: string): Exclude<Split, 'unlabeled'> {
  const u = parseInt(sha256.slice(0, 8), 16) / 0x1_0000_0000;
  if (u < AUTO_SPLIT.train) return 'train';
  if (u < AUTO_SPLIT.train + AUTO_SPLIT.val) return 'val';
  return 'test';
}
