// The only bridge between the sandboxed renderer and the main process: AppApi calls, AppApi
// events, a folder picker, a file picker and the path of a dropped file. Nothing else is exposed.
import { contextBridge, ipcRenderer, webUtils } from 'electron';

const EVENTS = new Set(['jobProgress', 'jobDone', 'projectChanged']);

contextBridge.exposeInMainWorld('apprentice', {
  invoke: (method: string, input: unknown) => ipcRenderer.invoke('apprentice:invoke', method, input),
  on: (event: string, listener: (payload: unknown) => void) => {
    if (!EVENTS.has(event)) throw new Error(`Unknown event ${event}`);
    const handler = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('apprentice:event', handler);
    return () => ipcRenderer.off('apprentice:event', handler);
  },
  pickFolder: () => ipcRenderer.invoke('apprentice:pickFolder'),
  // The filters are checked again in the main process; only plain data crosses.
  pickFile: (filters: unknown) => ipcRenderer.invoke('apprentice:pickFile', filters),
  pathForFile: (file: File) => webUtils.getPathForFile(file),
});
