/** Messages between a teacher's inference thread and its decode thread (./decode-worker.ts). */
import type { Frame } from './preprocess';
import type { PixelsSpec } from './preprocess-pixels';

export type DecodeRow = { media_path: string; sha256: string };

/** Decode these rows of a project as `spec` says. */
export interface DecodeRequest {
  id: number;
  projectDir: string;
  rows: DecodeRow[];
  spec: PixelsSpec;
}

/** The rows' pixels (HWC uint8, one image after another) and frames, or why they could not be decoded. */
export type DecodeReply = { id: number; pixels: Uint8Array; frames: Frame[]; error?: undefined } | { id: number; error: string };
