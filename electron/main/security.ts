import { app, session, shell, type WebContents } from 'electron';

export const APP_ORIGIN = 'app://studio';

/**
 * Lock every window down: no navigation away from the app, no new windows (links open in the
 * user's browser instead), no permission ever granted, no remote content.
 */
export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    // Anything that is not our own scheme is refused: the studio works offline by design.
    session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
      const ok = /^(app|apprentice-media|devtools|blob|data):/.test(details.url);
      callback({ cancel: !ok });
    });
  });
}

/** True when an IPC message comes from our own page, not from some frame that got loaded somehow. */
export function fromOurPage(senderUrl: string | undefined): boolean {
  return typeof senderUrl === 'string' && senderUrl.startsWith(`${APP_ORIGIN}/`);
}
