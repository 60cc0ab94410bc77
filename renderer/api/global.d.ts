/**
 * What the Electron preload exposes on `window` (contextBridge). Nothing else crosses that bridge.
 * In a plain browser (`apprentice serve`) `window.apprentice` is undefined.
 */
import type { Reply } from '../../src/api/contract';

export interface ApprenticeBridge {
  invoke(method: string, input: unknown): Promise<Reply<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  pickFolder(): Promise<string | null>;
  /** The native open-file dialog limited to these extensions (no dot, e.g. ['onnx']); null when cancelled. */
  pickFile(filters: { name: string; extensions: string[] }[]): Promise<string | null>;
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    apprentice?: ApprenticeBridge;
  }
}
