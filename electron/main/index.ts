// The Electron main process: one window, the core service, and the few lines that bind AppApi to
// IPC. Everything the app does lives in src/; this file only wires it to the desktop.
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_NAMES } from '../../src/api/contract';
import { AppService } from '../../src/service';
import { APP_ORIGIN, fromOurPage, hardenApp } from './security';
import { handleProtocols, registerSchemes } from './protocols';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');

registerSchemes();
hardenApp();

const service = new AppService({
  transport: 'electron',
  nativeDialogs: true,
  recentFile: join(app.getPath('userData'), 'recent.json'),
  author: process.env.USER ?? process.env.USERNAME ?? 'user',
  log: (msg, err) => console.error(msg, err),
});

/** The extension filters of a file picker, from the renderer: at most 10, each a name and plain extensions ("onnx", or "*"); else null. */
function fileFilters(value: unknown): { name: string; extensions: string[] }[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > 10) return null;
  const out: { name: string; extensions: string[] }[] = [];
  for (const f of value as unknown[]) {
    if (typeof f !== 'object' || f === null) return null;
    const { name, extensions } = f as { name?: unknown; extensions?: unknown };
    if (typeof name !== 'string' || name.length === 0 || name.length > 100) return null;
    if (!Array.isArray(extensions) || extensions.length === 0 || extensions.length > 20) return null;
    if (!extensions.every((e): e is string => typeof e === 'string' && (e === '*' || /^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/.test(e)))) return null;
    out.push({ name, extensions: [...extensions] });
  }
  return out;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Apprentice',
    backgroundColor: '#16181d',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // No DevTools in a packaged app (security.ts refuses devtools: there too).
      devTools: !app.isPackaged,
    },
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

app.whenReady().then(() => {
  handleProtocols(rendererDir, service);
  ipcMain.handle('apprentice:invoke', (event, method: unknown, input: unknown) => {
    if (!fromOurPage(event.senderFrame?.url)) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Not from the studio page.' } };
    return service.handle(String(method), input);
  });
  ipcMain.handle('apprentice:pickFolder', async (event) => {
    const win = BrowserWindow.fromWebContents(event.sender);
    if (!win || !fromOurPage(event.senderFrame?.url)) return null;
    const r = await dialog.showOpenDialog(win, { properties: ['openDirectory', 'createDirectory'] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  ipcMain.handle('apprentice:pickFile', async (event, filters: unknown) => {
    const win = BrowserWindow.fromWebContents(event.sender);
    if (!win || !fromOurPage(event.senderFrame?.url)) return null;
    const checked = fileFilters(filters);
    if (!checked) throw new Error('pickFile: filters must be a list of { name, extensions } with plain extensions');
    const r = await dialog.showOpenDialog(win, { properties: ['openFile'], filters: checked });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  for (const name of EVENT_NAMES) {
    service.on(name, (payload) => {
      for (const win of BrowserWindow.getAllWindows()) win.webContents.send('apprentice:event', name, payload);
    });
  }
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

// Quitting (Cmd+Q, the menu, app.quit(), a signal) first closes the service in order: running
// jobs are cancelled and torn down, then the project's database is closed; only then does the
// app quit. Without this, jobs died uncancelled with the process.
let closedForQuit = false;
let closingForQuit = false;
app.on('before-quit', (event) => {
  if (closedForQuit) return;
  event.preventDefault();
  if (closingForQuit) return;
  closingForQuit = true;
  void service
    .close()
    .catch((err) => console.error('closing the project before quitting failed', err))
    .finally(() => {
      closedForQuit = true;
      app.quit();
    });
});

app.on('window-all-closed', () => {
  // On macOS the app stays in the dock: the project closes with its window. Elsewhere the app
  // quits, and before-quit closes the service.
  if (process.platform === 'darwin') void service.close().catch((err) => console.error('closing the project failed', err));
  else app.quit();
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
