import type * as Ort from 'onnxruntime-node';
import { AppError } from '../api/errors';
import type { OnnxInputSpec } from './onnx-spec';
import type { Frame } from './preprocess';
import { modelPixels } from './preprocess-pixels';
import { DecodeThread, type DecodedBatch } from './decode-thread';
import { tensorValues } from './input-tensor';

/** Images per onnxruntime call, for models whose batch size is not fixed. */
const BATCH = 64;
/** Batches the decode thread may be asked for ahead of the one running (a bounded queue). */
const AHEAD = 3;
/**
 * onnxruntime's threads per session. Two, also on a 2-core machine, where the decode thread then
 * competes with them; measured there (bench/pseudo-label.ts): one thread, leaving the decode
 * thread a core, made a first pass 0.1x (of the runtime alone) faster only while the machine was
 * busy with other work, and capped every pass at one core's speed whenever it was not (MobileNetV2
 * at 96x96 with the Pillow resize or the pixel cache: ~0.5x against ~0.9-1.0x with two). Users'
 * machines are mostly idle and have more cores. The outputs are the same bytes either way
 * (checked on the small CNN and MobileNetV2).
 */
export const INTRA_OP_THREADS = 2;

export type ImageRow = { media_path: string; sha256: string };
export type BatchOptions = { signal?: AbortSignal; onProgress?: (done: number, total: number) => void };

/**
 * An ONNX model that takes images, run by onnxruntime-node: what classifiers, backbones and
 * detectors share. Images are decoded and preprocessed as its spec says (resize method, crop or
 * letterbox, size, gray/RGB, NCHW/NHWC, scale, mean/std) and fed in batches; a decode thread
 * decodes the next batches while the current one runs, and decoded pixels are cached per input
 * size. Custom-op libraries are never loaded: a model is data, not code.
 */
export class OnnxImageModel {
  protected constructor(
    protected readonly ort: typeof Ort,
    protected readonly session: Ort.InferenceSession,
    readonly spec: OnnxInputSpec,
    readonly outputName: string,
  ) {}

  /** The model's session, with a message a person understands when onnxruntime cannot load it. */
  protected static async openSession(file: string): Promise<{ ort: typeof Ort; session: Ort.InferenceSession; outputName: string }> {
    // Loaded on first use, so importing this module costs nothing on threads that never infer.
    const ort = await import('onnxruntime-node');
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        graphOptimizationLevel: 'all',
        intraOpNumThreads: INTRA_OP_THREADS,
        // Threads that spin while waiting for work would take the core the next batch decodes on.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (err) {
      const msg = (err as Error).message;
      const op = /op(?:erator)?[^\w]*['"]?(\w+)['"]? .*(?:not|un)(?:supported|implemented|registered)/i.exec(msg)?.[1];
      throw new AppError('INVALID_INPUT', op ? `${file} uses an operator onnxruntime cannot run (${op}).` : `${file} cannot be loaded by onnxruntime: ${msg.split('\n')[0]}`);
    }
    const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]!;
    return { ort, session, outputName };
  }

  /** A model of unknown kind: import looks at its output (probe) to tell what it is. */
  static async open(file: string, spec: OnnxInputSpec): Promise<OnnxImageModel> {
    const { ort, session, outputName } = await OnnxImageModel.openSession(file);
    return new OnnxImageModel(ort, session, spec, outputName);
  }

  /** One blank image through the model: the shape of its output. */
  async probe(): Promise<readonly number[]> {
    return (await this.run(tensorValues(new Uint8Array(this.spec.height * this.spec.width * this.spec.channels), 1, this.spec), 1)).dims;
  }

  /** Images per call: the model's own batch size when it is fixed (as exported detectors often are). */
  protected get batchSize(): number {
    return this.spec.batch ?? BATCH;
  }

  /**
   * `n` images through the model, given as its input values (./input-tensor.ts). A model with a
   * fixed batch size gets a batch padded with blank images; only the first `n` results mean
   * anything.
   */
  protected async run(values: Float32Array | Uint8Array, n: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const { height: h, width: w, channels: c, layout } = this.spec;
    const m = Math.max(this.spec.batch ?? n, n);
    const shape = layout === 'nchw' ? [m, c, h, w] : [m, h, w, c];
    const tensor = values instanceof Float32Array ? new this.ort.Tensor('float32', values, shape) : new this.ort.Tensor('uint8', values, shape);
    const result = await this.session.run({ [this.spec.inputName]: tensor });
    const out = result[this.outputName]!;
    return { data: out.data as Float32Array, dims: out.dims };
  }

  /** The decode thread, started on the first call that has more than one batch to decode. */
  private decoder: DecodeThread | null | undefined;

  /** Whether this model decodes on a thread of its own (from its first call of several batches on). */
  get decodeThread(): boolean {
    return this.decoder instanceof DecodeThread;
  }

  /**
   * Decoded batches of rows, in order. With more than one batch, a decode thread decodes up to
   * AHEAD batches ahead while `fn` runs the current one: onnxruntime-node runs a session on the
   * calling thread, so only another thread can decode meanwhile. A single batch is decoded here.
   * `frames` say where each image lies in the input (detectors map boxes back by it). Nothing of
   * a call is still decoding (or writing cache files) once it has returned or thrown.
   */
  protected async eachBatch(projectDir: string, rows: ImageRow[], opts: BatchOptions, fn: (values: Float32Array | Uint8Array, n: number, start: number, frames: Frame[]) => Promise<void>): Promise<void> {
    const size = this.spec.height * this.spec.width * this.spec.channels;
    const batch = this.batchSize;
    if (rows.length > batch && this.decoder === undefined) this.decoder = DecodeThread.start();
    const call = rows.length > batch && this.decoder ? this.decoder.begin(projectDir, rows, this.spec) : null;
    const decodeHere = async (from: number, to: number): Promise<DecodedBatch> => {
      const chunk = rows.slice(from, to);
      const pixels = new Uint8Array(chunk.length * size);
      const decoded = await Promise.all(chunk.map((r) => modelPixels(projectDir, r.media_path, r.sha256, this.spec)));
      decoded.forEach((d, i) => pixels.set(d.pixels, i * size));
      return { values: tensorValues(pixels, chunk.length, this.spec), frames: decoded.map((d) => d.frame) };
    };
    const ahead: Promise<DecodedBatch>[] = [];
    let requested = 0;
    // Without a thread, one batch ahead: it decodes here before onnxruntime starts (as before).
    const depth = call ? AHEAD : 1;
    const request = () => {
      while (ahead.length < depth && requested < rows.length) {
        const to = Math.min(rows.length, requested + batch);
        const p = call ? call.decode(requested, to) : decodeHere(requested, to);
        p.catch(() => {}); // awaited in its turn; a failure there must not count as unhandled meanwhile
        ahead.push(p);
        requested = to;
      }
    };
    try {
      for (let start = 0; start < rows.length; start += batch) {
        opts.signal?.throwIfAborted();
        request();
        const { values, frames } = await ahead.shift()!;
        if (call) request(); // the thread decodes the next batches while this one runs
        const running = fn(values, Math.min(batch, rows.length - start), start, frames);
        if (!call) request();
        await running;
        opts.onProgress?.(Math.min(rows.length, start + batch), rows.length);
      }
    } finally {
      await Promise.allSettled(ahead);
      call?.end();
    }
  }

  async release(): Promise<void> {
    await this.decoder?.close();
    this.decoder = null;
    await this.session.release();
  }
}
