/**
 * A data-parallel replica: a worker thread with its own tfjs engine (the wasm backend is
 * single-threaded under Node, so each core needs its own engine) holding a copy of the model.
 * For each step it receives the current trainable weights and its slice of the batch, and answers
 * with its loss and flat gradients. It never updates weights itself: the coordinator owns the
 * optimizer, so training stays plain synchronous SGD.
 *
 * Kept as a small .ts file: under tsx/vitest it is started with `--import tsx`
 * (see spawn-worker.ts); a bundled build compiles it to worker-entry.js next to its caller, or
 * passes its own `workerUrl`.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { selectTrainingBackend, type TrainingBackendKind } from '../backend/index.js';
import { flatten, split } from './flat.js';
import { type LayerVariable, computeLocalGradients, weightsByName } from './local-gradients.js';
import { type LossFn, resolveLoss } from './loss.js';
import type { FromWorker, ToWorker, TypedData } from './protocol.js';

if (!parentPort) throw new Error('worker-entry.ts must run in a worker thread');
const port = parentPort;

const backendKind = ((workerData as { backend?: TrainingBackendKind } | null)?.backend ?? 'wasm');
// The engine starts as soon as the thread does (loading and compiling the wasm module takes a good
// part of a second): a replica started ahead of its model (spawn-worker.ts's warm pool) is ready
// by the time the model arrives.
const backendReady = selectTrainingBackend({ order: [backendKind] });
// A warm replica may be released without ever getting a model: its failure is then nobody's to see.
// One that gets a model reports it through init, which awaits this promise.
backendReady.catch(() => {});

let model: tf.LayersModel | null = null;
let byName = new Map<string, LayerVariable>();
let loss: LossFn | null = null;

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function toTensor(t: TypedData): tf.Tensor {
  return tf.tensor(t.data, t.shape, t.dtype);
}

async function init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  const info = await backendReady;
  for (const specifier of msg.preload) await import(/* @vite-ignore */ specifier);
  loss = await resolveLoss(msg.loss);
  model = await tf.models.modelFromJSON({ modelTopology: msg.modelTopology } as tf.io.ModelJSON);
  byName = weightsByName(model);
  assign(msg.names, msg.weights);
  send({ type: 'ready', backend: info.name });
}

function lookup(names: string[]): LayerVariable[] {
  return names.map((name) => {
    const w = byName.get(name);
    if (!w) throw new Error(`the worker's model has no weight '${name}'`);
    return w;
  });
}

function assign(names: string[], flat: Float32Array): void {
  const weights = lookup(names);
  const parts = split(flat, weights.map((w) => w.shape as number[]));
  // Variable.assign, not LayerVariable.write: an exact copy, without re-applying constraints.
  tf.tidy(() => weights.forEach((w, i) => (w.read() as tf.Variable).assign(tf.tensor(parts[i]!, w.shape as number[]))));
}

function step(msg: Extract<ToWorker, { type: 'step' }>): void {
  if (!model || !loss) throw new Error('step before init');
  if (msg.changed) assign(msg.changed.names, msg.changed.values);
  const variables = lookup(msg.trainable).map((w) => w.read() as tf.Variable);
  const x = toTensor(msg.x);
  const targets = toTensor(msg.targets);
  const result = computeLocalGradients(model, loss, x, targets, variables);
  const grads = flatten(result.grads);
  tf.dispose([x, targets, ...result.grads]);
  send({ type: 'grads', id: msg.id, loss: result.loss, grads, logits: result.logits }, [grads.buffer as ArrayBuffer, result.logits.buffer as ArrayBuffer]);
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  // Messages are handled strictly in order; init is asynchronous, steps are not.
  queue = queue.then(async () => {
    try {
      if (msg.type === 'init') await init(msg);
      else step(msg);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      send({ type: 'error', id: msg.type === 'step' ? msg.id : null, message: e.message, stack: e.stack });
    }
  });
});
