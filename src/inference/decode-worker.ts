/**
 * The decode thread of a teacher's batches (./decode-thread.ts): decodes batches of a project's
 * images into a model's input values with the same code the inference thread would run
 * (modelPixels, tensorValues), and answers with them, the buffer transferred, not copied.
 *
 * Why a thread of its own: onnxruntime-node runs a session synchronously on the thread that calls
 * it, so decoding on that thread (the PNG fast path is plain JavaScript) cannot overlap inference;
 * here it does. sharp's own work still runs on libuv's threads, which are shared by the process.
 */
import { parentPort } from 'node:worker_threads';
import { modelPixels } from './preprocess-pixels';
import { tensorValues } from './input-tensor';
import type { DecodeReply, DecodeRequest, DecodeRow, DecodeSpec } from './decode-protocol';

if (!parentPort) throw new Error('decode-worker.ts must run in a worker thread');
const port = parentPort;

const calls = new Map<number, { projectDir: string; rows: DecodeRow[]; spec: DecodeSpec }>();

async function decode(call: { projectDir: string; rows: DecodeRow[]; spec: DecodeSpec }, id: number, from: number, to: number): Promise<Extract<DecodeReply, { values: unknown }>> {
  const { projectDir, spec } = call;
  const rows = call.rows.slice(from, to);
  const size = spec.width * spec.height * spec.channels;
  const pixels = new Uint8Array(rows.length * size);
  // All of a batch at once, as the inference thread did: sharp decodes several in parallel.
  const decoded = await Promise.all(rows.map((row) => modelPixels(projectDir, row.media_path, row.sha256, spec)));
  decoded.forEach((d, i) => pixels.set(d.pixels, i * size));
  return { id, values: tensorValues(pixels, rows.length, spec), frames: decoded.map((d) => d.frame) };
}

port.on('message', (m: DecodeRequest) => {
  if (m.type === 'begin') calls.set(m.call, { projectDir: m.projectDir, rows: m.rows, spec: m.spec });
  else if (m.type === 'end') calls.delete(m.call);
  else {
    const call = calls.get(m.call);
    if (!call) return void port.postMessage({ id: m.id, error: 'the decode thread has no such call' } satisfies DecodeReply);
    decode(call, m.id, m.from, m.to).then(
      (reply) => port.postMessage(reply, [reply.values.buffer as ArrayBuffer]),
      (err: unknown) => port.postMessage({ id: m.id, error: (err as Error)?.message ?? String(err) } satisfies DecodeReply),
    );
  }
});
