/**
 * Messages between the data-parallel coordinator and its worker replicas (worker_threads).
 * Float data travels as transferred ArrayBuffers (no copies); shapes travel next to them.
 */
import type { LossSpec } from './loss.js';

export interface TypedData {
  data: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export type ToWorker =
  | {
      type: 'init';
      /** `model.toJSON(null, false)`: the topology, no weights. */
      modelTopology: unknown;
      /** All weights of `model.weights` (trainable and not), in order, one flat buffer. */
      weights: Float32Array;
      loss: LossSpec;
      /** Modules to import before building the model (custom layer registrations). */
      preload: string[];
    }
  | {
      type: 'step';
      id: number;
      /** New values of the trainable weights, flat, or null when unchanged since the last step. */
      weights: Float32Array | null;
      x: TypedData;
      targets: TypedData;
    };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'grads'; id: number; loss: number; grads: Float32Array }
  | { type: 'error'; id: number | null; message: string; stack?: string };
