/**
 * Synchronous data-parallel gradients across CPU cores, for the tfjs wasm backend.
 *
 * tfjs-backend-wasm runs single-threaded under Node, so a 2-core machine would idle half its CPU
 * while training. Here the calling thread is replica 0 and `replicas - 1` worker threads each hold a
 * copy of the model in their own wasm engine. A step splits the batch into contiguous slices, every
 * replica computes loss and gradients on its slice (the caller's slice on the calling thread, at
 * the same time), and the gradients are combined weighted by slice size. Since losses are means over
 * examples, that is the gradient of the whole batch: the caller applies it with any optimizer and
 * gets the same training as on one engine, up to float rounding.
 *
 * Weights flow one way: before a step, every weight that changed since a worker last received it
 * (optimizer updates, batch-norm moving averages, weights loaded from a checkpoint) is sent to it,
 * so the workers' models always equal the calling thread's. Moving averages are updated from the
 * calling thread's slice only. The trainable set is read at every step, so layers may be frozen
 * or unfrozen between steps. Weights are matched by their original names (unique layer names).
 *
 *   const dp = await DataParallelGradients.create(model, { replicas: backend.replicas });
 *   const { loss, grads } = await dp.computeGradients(xBatch, yBatch);
 *   optimizer.applyGradients(grads);
 *   ...
 *   await dp.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { TrainingBackendKind } from '../backend/index.js';
import { flatten, split } from './flat.js';
import { type LayerVariable, computeLocalGradients, weightsByName } from './local-gradients.js';
import { type LossFn, type LossSpec, resolveLoss } from './loss.js';
import type { FromWorker, ToWorker, TypedData } from './protocol.js';
import { spawnReplicaWorker } from './spawn-worker.js';

export interface DataParallelOptions {
  /** Replicas including the calling thread. Default: available cores. 1 = no workers. */
  replicas?: number;
  /** Default 'softmax-cross-entropy'. */
  loss?: LossSpec;
  /** Modules each worker imports before building the model (custom layer registrations). */
  preload?: string[];
  /**
   * Backend the workers select; default: the calling thread's (`tf.getBackend()`). Only 'wasm'
   * benefits: the native backends parallelise inside each op (their `replicas` is 1).
   */
  backend?: TrainingBackendKind;
  /** Worker entry for bundled builds (see spawn-worker.ts). */
  workerUrl?: URL;
}

export interface ParallelGradients {
  /** Mean loss over the whole batch. */
  loss: number;
  /** Gradients keyed by variable name, as from tf.variableGrads: ready for optimizer.applyGradients. */
  grads: tf.NamedTensorMap;
  /** The model's outputs for the whole batch from the same forward passes, flat, in batch order. */
  logits: Float32Array;
}

interface Pending {
  resolve: (m: Extract<FromWorker, { type: 'grads' }>) => void;
  reject: (e: Error) => void;
}

class Replica {
  private pending = new Map<number, Pending>();
  private failure: Error | null = null;
  /** dataId of each weight as this replica last received it (a new dataId means new values). */
  private readonly sent = new Map<string, object>();

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'grads') {
        this.pending.get(m.id)?.resolve(m);
        this.pending.delete(m.id);
      } else if (m.type === 'error') {
        const error = new Error(`training replica failed: ${m.message}`);
        if (m.id === null) this.fail(error);
        else {
          this.pending.get(m.id)?.reject(error);
          this.pending.delete(m.id);
        }
      }
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`training replica exited (code ${code})`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message, transfer);
  }

  request(message: Extract<ToWorker, { type: 'step' }>, transfer: ArrayBuffer[]): Promise<Extract<FromWorker, { type: 'grads' }>> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.set(message.id, { resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  /**
   * The weights whose values this replica has not received yet, and marks them as sent.
   * Optimizers (and batch-norm updates) replace a variable's dataId whenever they change it, so
   * comparing dataIds finds changes without reading any data.
   */
  takeChanged(weights: readonly LayerVariable[]): LayerVariable[] {
    const changed = weights.filter((w) => this.sent.get(w.originalName) !== w.read().dataId);
    for (const w of changed) this.sent.set(w.originalName, w.read().dataId);
    return changed;
  }

  ready(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') { cleanup(); resolve(m.backend); }
        if (m.type === 'error') { cleanup(); reject(new Error(`training replica failed to start: ${m.message}`)); }
      };
      const onExit = (code: number) => { cleanup(); reject(new Error(`training replica exited (code ${code})`)); };
      const cleanup = () => { this.worker.off('message', onMessage); this.worker.off('exit', onExit); };
      this.worker.on('message', onMessage);
      this.worker.on('exit', onExit);
    });
  }
}

export class DataParallelGradients {
  private nextId = 1;
  private disposed = false;

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly loss: LossFn,
    private readonly workers: Replica[],
  ) {}

  /** Number of replicas, the calling thread included. */
  get replicas(): number {
    return this.workers.length + 1;
  }

  static async create(model: tf.LayersModel, options: DataParallelOptions = {}): Promise<DataParallelGradients> {
    const replicas = Math.max(1, Math.floor(options.replicas ?? availableParallelism()));
    const lossSpec = options.loss ?? 'softmax-cross-entropy';
    const loss = await resolveLoss(lossSpec);
    const workers: Replica[] = [];
    try {
      const modelTopology = model.toJSON(null, false);
      const names = [...weightsByName(model).keys()];
      for (let i = 1; i < replicas; i++) {
        const worker = spawnReplicaWorker({
          workerUrl: options.workerUrl,
          workerData: { backend: options.backend ?? currentBackendKind() },
        });
        const replica = new Replica(worker);
        workers.push(replica);
        replica.takeChanged(model.weights);
        const weights = flatten(model.weights.map((w) => w.read()));
        replica.post({
          type: 'init', modelTopology, names, weights, loss: lossSpec, preload: options.preload ?? [],
        }, [weights.buffer as ArrayBuffer]);
      }
      await Promise.all(workers.map((w) => w.ready()));
    } catch (error) {
      await Promise.all(workers.map((w) => w.worker.terminate()));
      throw error;
    }
    return new DataParallelGradients(model, loss, workers);
  }

  /**
   * Loss and gradients of the whole batch, computed in parallel. `x` and `targets` share their
   * leading (batch) dimension; targets may be float (one-hot, soft labels) or int32.
   */
  async computeGradients(x: tf.Tensor, targets: tf.Tensor): Promise<ParallelGradients> {
    if (this.disposed) throw new Error('DataParallelGradients used after dispose()');
    const n = x.shape[0] ?? 0;
    if (n === 0) throw new Error('empty batch');
    if (targets.shape[0] !== n) throw new Error(`batch of ${n} inputs but ${targets.shape[0]} targets`);
    // The trainable set is read at every step: layers may be frozen or unfrozen between steps.
    const trainable = this.model.trainableWeights;
    const names = trainable.map((w) => w.originalName);
    const variables = trainable.map((w) => w.read() as tf.Variable);
    const slices = sliceBatch(n, this.replicas);
    const own = slices[0]!;

    // Post the workers' slices first so they compute while this thread does its own slice.
    const xData = x.dataSync() as Float32Array | Int32Array;
    const tData = targets.dataSync() as Float32Array | Int32Array;
    const answers = this.workers.map((replica, w) => {
      const slice = slices[w + 1]!;
      if (slice.size === 0) return null;
      const changedWeights = replica.takeChanged(this.model.weights);
      const changed = changedWeights.length === 0 ? null : {
        names: changedWeights.map((w) => w.originalName),
        values: flatten(changedWeights.map((w) => w.read())),
      };
      const xs = sliceRows(xData, x, slice);
      const ts = sliceRows(tData, targets, slice);
      const transfer = [xs.data.buffer, ts.data.buffer] as ArrayBuffer[];
      if (changed) transfer.push(changed.values.buffer as ArrayBuffer);
      return replica.request({
        type: 'step', id: this.nextId++, trainable: names, changed, x: xs, targets: ts,
      }, transfer);
    });

    const local = tf.tidy(() => {
      const whole = own.size === n;
      const xs = whole ? x : x.slice(0, own.size);
      const ts = whole ? targets : targets.slice(0, own.size);
      const result = computeLocalGradients(this.model, this.loss, xs, ts, variables);
      return { loss: result.loss, grads: result.grads.map((g) => tf.keep(g)), logits: result.logits };
    });

    let results: (Extract<FromWorker, { type: 'grads' }> | null)[];
    try {
      results = await Promise.all(answers);
    } catch (error) {
      tf.dispose(local.grads);
      throw error;
    }

    // Weighted mean of the replicas' gradients: weight = share of the batch.
    const shapes = variables.map((v) => v.shape);
    let lossSum = local.loss * own.size;
    const remote: { weight: number; parts: Float32Array[] }[] = [];
    // Slices are contiguous and in replica order, so the logits concatenate back into batch order.
    const perRow = local.logits.length / Math.max(own.size, 1);
    const logits = new Float32Array(Math.round(perRow * n));
    logits.set(local.logits);
    results.forEach((res, w) => {
      if (!res) return;
      const size = slices[w + 1]!.size;
      logits.set(res.logits, slices[w + 1]!.start * perRow);
      lossSum += res.loss * size;
      remote.push({ weight: size / n, parts: split(res.grads, shapes) });
    });
    const grads: tf.NamedTensorMap = {};
    variables.forEach((v, i) => {
      const mine = local.grads[i]!;
      grads[v.name] = remote.length === 0 ? mine : tf.tidy(() => {
        let sum = mine.mul(own.size / n);
        for (const r of remote) sum = sum.add(tf.tensor(r.parts[i]!, shapes[i]).mul(r.weight));
        return sum;
      });
    });
    if (remote.length > 0) tf.dispose(local.grads);
    return { loss: lossSum / n, grads, logits };
  }

  /** One optimizer step on the batch; returns the batch's mean loss. */
  async trainStep(optimizer: tf.Optimizer, x: tf.Tensor, targets: tf.Tensor): Promise<number> {
    const { loss, grads } = await this.computeGradients(x, targets);
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    return loss;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

function currentBackendKind(): TrainingBackendKind {
  const name = tf.getBackend();
  if (name === 'wasm' || name === 'cpu') return name;
  if (name === 'tensorflow') return 'tensorflow';
  throw new Error(`data-parallel workers cannot use the '${name}' backend`);
}

/** Contiguous slices of a batch of n, one per replica, sizes as equal as possible (larger first). */
export function sliceBatch(n: number, replicas: number): { start: number; size: number }[] {
  const base = Math.floor(n / replicas);
  const extra = n % replicas;
  const slices: { start: number; size: number }[] = [];
  let start = 0;
  for (let i = 0; i < replicas; i++) {
    const size = base + (i < extra ? 1 : 0);
    slices.push({ start, size });
    start += size;
  }
  return slices;
}

function sliceRows(
  data: Float32Array | Int32Array, t: tf.Tensor, slice: { start: number; size: number },
): TypedData {
  // A copy (not a view) so it can be transferred to the worker without detaching the tensor's data.
  const perRow = t.size / t.shape[0]!;
  const copy = data.slice(slice.start * perRow, (slice.start + slice.size) * perRow);
  return {
    data: copy,
    shape: [slice.size, ...t.shape.slice(1)],
    dtype: copy instanceof Int32Array ? 'int32' : 'float32',
  };
}
