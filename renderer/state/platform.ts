/**
 * What the desktop app can do and a browser cannot: native folder and file dialogs, and the paths
 * of dropped files (through the Electron preload bridge). In the web studio `desktop` is false and
 * paths are typed.
 */
import { bridge } from '../api';

export const desktop = bridge !== null;

/** The native folder dialog; null when cancelled (always null in a browser). */
export function pickFolder(): Promise<string | null> {
  return bridge ? bridge.pickFolder() : Promise.resolve(null);
}

/** The native open-file dialog limited to these extensions (no dot, e.g. ['onnx']); null when cancelled. */
export function pickFile(filters: { name: string; extensions: string[] }[]): Promise<string | null> {
  return bridge ? bridge.pickFile(filters) : Promise.resolve(null);
}

/** Where a dropped file lives on disk ('' in a browser, which does not tell). */
export function pathForFile(file: File): string {
  return bridge ? bridge.pathForFile(file) : '';
}
