/** Messages between a teacher's inference thread and its decode thread (./decode-worker.ts). */
import type { Frame } from './preprocess';
import type { PixelsSpec } from './preprocess-pixels';
import type { TensorSpec } from './input-tensor';

export type DecodeRow = { media_path: string; sha256: string };
export type DecodeSpec = PixelsSpec & TensorSpec;

/**
 * 'begin': the rows of one call (sent once); 'decode': rows [from, to) of that call as input
 * values; 'end': the call is over, its rows may go.
 */
export type DecodeRequest =
  | { type: 'begin'; call: number; projectDir: string; rows: DecodeRow[]; spec: DecodeSpec }
  | { type: 'decode'; call: number; id: number; from: number; to: number }
  | { type: 'end'; call: number };

/** The rows' input values (./input-tensor.ts) and frames, or why they could not be decoded. */
export type DecodeReply = { id: number; values: Float32Array | Uint8Array; frames: Frame[]; error?: undefined } | { id: number; error: string };
