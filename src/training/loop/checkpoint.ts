/**
 * A training checkpoint: everything needed to continue a run exactly where it stopped — model
 * weights (trainable and not, e.g. batch-norm averages), optimizer slots, the random generator's
 * state, the epoch history, and the best weights so far (for early stopping's restore-best).
 *
 * On disk: a 4-byte length, a JSON header, then the float32 arrays back to back. Written with the
 * project's atomic write, so a crash mid-write leaves the previous checkpoint intact.
 */
import { AppError } from '../../api/errors';
import type { EpochMetrics } from '../../api/types';

export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** One epoch's figures (the API's EpochMetrics). */
export type EpochReport = EpochMetrics;

export interface Checkpoint {
  /** Epochs completed; the next epoch to run is this number (0-based). */
  epochsDone: number;
  rngState: number;
  history: EpochReport[];
  bestEpoch: number;
  bestScore: number;
  weights: NamedArray[];
  optimizer: NamedArray[];
  bestWeights: NamedArray[] | null;
}

type Header = Omit<Checkpoint, 'weights' | 'optimizer' | 'bestWeights'> & {
  arrays: { group: 'weights' | 'optimizer' | 'bestWeights'; name: string; shape: number[]; length: number }[];
  hasBest: boolean;
};

export function encodeCheckpoint(ck: Checkpoint): Buffer {
  const groups = [
    ['weights', ck.weights],
    ['optimizer', ck.optimizer],
    ['bestWeights', ck.bestWeights ?? []],
  ] as const;
  const arrays: Header['arrays'] = [];
  const chunks: Buffer[] = [];
  for (const [group, list] of groups) {
    for (const a of list) {
      arrays.push({ group, name: a.name, shape: a.shape, length: a.values.length });
      chunks.push(Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength));
    }
  }
  const header: Header = {
    epochsDone: ck.epochsDone,
    rngState: ck.rngState,
    history: ck.history,
    bestEpoch: ck.bestEpoch,
    bestScore: ck.bestScore,
    arrays,
    hasBest: ck.bestWeights !== null,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  // Pad the header so the float data starts 4-byte aligned (Float32Array views need it).
  const pad = Buffer.alloc((4 - ((4 + json.length) % 4)) % 4, 0x20);
  return Buffer.concat([len, json, pad, ...chunks]);
}

export function decodeCheckpoint(buf: Buffer): Checkpoint {
  if (buf.length < 4) throw new AppError('IO_ERROR', 'The training checkpoint is truncated: start the run anew.');
  const jsonLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + jsonLength).toString('utf8')) as Header;
  let offset = 4 + jsonLength;
  offset += (4 - (offset % 4)) % 4;
  const out: Checkpoint = {
    epochsDone: header.epochsDone,
    rngState: header.rngState,
    history: header.history,
    bestEpoch: header.bestEpoch,
    bestScore: header.bestScore,
    weights: [],
    optimizer: [],
    bestWeights: header.hasBest ? [] : null,
  };
  for (const a of header.arrays) {
    const bytes = a.length * 4;
    if (offset + bytes > buf.length) throw new AppError('IO_ERROR', `The training checkpoint is truncated (at ${a.name}): start the run anew.`);
    // Copy out so the arrays do not pin the whole file buffer.
    const values = new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + bytes));
    offset += bytes;
    (out[a.group] as NamedArray[]).push({ name: a.name, shape: a.shape, values });
  }
  return out;
}
