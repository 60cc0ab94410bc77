/**
 * A teacher's decode thread (./decode-worker.ts) as promises: a call's batches resolve with
 * their input values. Several may be outstanding, which is what lets decoding run ahead of
 * inference.
 *
 * Started from wherever this code runs: from TypeScript sources (tsx, vitest) the entry is
 * decode-worker.ts with tsx's loader; from the bundle it is decode-worker.js beside it (an entry
 * of electron.vite.config.ts). A build without that file gets no thread (start returns null) and
 * its caller decodes on its own thread, as before.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeReply, DecodeRequest, DecodeRow, DecodeSpec } from './decode-protocol';
import type { Frame } from './preprocess';

/** A batch as the model takes it: its input values (./input-tensor.ts) and where each image lies. */
export type DecodedBatch = { values: Float32Array | Uint8Array; frames: Frame[] };
type Waiting = { resolve: (v: DecodedBatch) => void; reject: (e: Error) => void };

export class DecodeThread {
  static start(): DecodeThread | null {
    const fromSource = import.meta.url.endsWith('.ts');
    const url = new URL(fromSource ? './decode-worker.ts' : './decode-worker.js', import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return null;
    const execArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
    return new DecodeThread(new Worker(url, { execArgv }));
  }

  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    // Idle, the thread does not keep the process alive; while a request is out, it does.
    worker.unref();
    worker.on('message', (m: DecodeReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (!this.waiting.size) worker.unref();
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve({ values: m.values, frames: m.frames });
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const w of this.waiting.values()) w.reject(this.failure);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the decode thread stopped (exit code ${code})`)));
  }

  /**
   * One call's rows, sent to the thread once; its batches are then asked for by index, so a
   * request is a few numbers. `end` lets the thread forget the rows.
   */
  begin(projectDir: string, rows: DecodeRow[], spec: DecodeSpec): { decode(from: number, to: number): Promise<DecodedBatch>; end(): void } {
    const call = this.nextId++;
    // Only what decoding needs crosses (not, say, a long class list).
    const { width, height, channels, resize, crop, letterbox, layout, scale, mean, std, uint8, batch } = spec;
    this.post({ type: 'begin', call, projectDir, rows: rows.map((r) => ({ media_path: r.media_path, sha256: r.sha256 })), spec: { width, height, channels, resize, crop, letterbox, layout, scale, mean, std, uint8, batch } });
    return {
      decode: (from, to) => {
        if (this.failure) return Promise.reject(this.failure);
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
          if (!this.waiting.size) this.worker.ref();
          this.waiting.set(id, { resolve, reject });
          this.post({ type: 'decode', call, id, from, to });
        });
      },
      end: () => this.post({ type: 'end', call }),
    };
  }

  private post(m: DecodeRequest): void {
    if (!this.failure) this.worker.postMessage(m);
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the decode thread was closed');
    await this.worker.terminate();
  }
}
