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
      /** Original names of all weights (trainable and not), and their values, flat, same order. */
      names: string[];
      weights: Float32Array;
      loss: LossSpec;
      /** Modules to import before building the model (custom layer registrations). */
      preload: string[];
    }
  | {
      type: 'step';
      id: number;
      /** Original names of the weights to differentiate (the trainable ones), in order. */
      trainable: string[];
      /** Weights (trainable or not) whose values changed since the replica last received them. */
      changed: { names: string[]; values: Float32Array } | null;
      x: TypedData;
      targets: TypedData;
    };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'grads'; id: number; loss: number; grads: Float32Array; logits: Float32Array }
  | { type: 'error'; id: number | null; message: string; stack?: string };
