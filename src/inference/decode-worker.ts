/**
 * The decode thread of a teacher's batches (./decode-pool.ts): decodes batches of a project's
 * images into a model's input pixels with the same code the inference thread would run
 * (modelPixels), and answers with them, the pixel buffer transferred, not copied.
 *
 * Why a thread of its own: onnxruntime-node runs a session synchronously on the thread that calls
 * it, so decoding on that thread (the PNG fast path is plain JavaScript) cannot overlap inference;
 * here it does. sharp's own work still runs on libuv's threads, which are shared by the process.
 */
import { parentPort } from 'node:worker_threads';
import { modelPixels, type PixelsSpec } from './preprocess-pixels';
import type { DecodeReply, DecodeRequest } from './decode-protocol';

if (!parentPort) throw new Error('decode-worker.ts must run in a worker thread');
const port = parentPort;

async function decode(r: DecodeRequest): Promise<Extract<DecodeReply, { pixels: Uint8Array }>> {
  const size = r.spec.width * r.spec.height * r.spec.channels;
  const pixels = new Uint8Array(r.rows.length * size);
  // All of a batch at once, as the inference thread did: sharp decodes several in parallel.
  const decoded = await Promise.all(r.rows.map((row) => modelPixels(r.projectDir, row.media_path, row.sha256, r.spec as PixelsSpec)));
  decoded.forEach((d, i) => pixels.set(d.pixels, i * size));
  return { id: r.id, pixels, frames: decoded.map((d) => d.frame) };
}

port.on('message', (r: DecodeRequest) => {
  decode(r).then(
    (reply) => port.postMessage(reply, [reply.pixels.buffer as ArrayBuffer]),
    (err: unknown) => port.postMessage({ id: r.id, error: (err as Error)?.message ?? String(err) } satisfies DecodeReply),
  );
});
