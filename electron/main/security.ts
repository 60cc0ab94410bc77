import { app, session, shell, type WebContents } from 'electron';

export const APP_ORIGIN = 'app://studio';

/** True for a URL of the studio itself (app://studio/...): the only place a frame may go. */
export function isAppUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}

/**
 * Lock every window down: no navigation away from the app, by a link, a script, a redirect or
 * in any frame; no new windows (links open in the user's browser instead), no permission ever
 * granted, no remote content.
 */
export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    const stayInApp = (event: { url: string; preventDefault(): void }) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    };
    contents.on('will-navigate', stayInApp);
    // A navigation of the main frame or any sub-frame (an iframe a page could insert) ...
    contents.on('will-frame-navigate', stayInApp);
    // ... and a server-side redirect of one that started inside the app.
    contents.on('will-redirect', stayInApp);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    // Anything that is not our own scheme is refused: the studio works offline by design. A
    // packaged app has no DevTools (index.ts) and refuses devtools: too; only a development run
    // (electron . from the checkout) lets DevTools load.
    const allowed = app.isPackaged ? /^(app|apprentice-media|blob|data):/ : /^(app|apprentice-media|blob|data|devtools):/;
    session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
      const ok = allowed.test(details.url);
      callback({ cancel: !ok });
    });
  });
}

/** True when an IPC message comes from our own page, not from some frame that got loaded somehow. */
export function fromOurPage(senderUrl: string | undefined): boolean {
  return typeof senderUrl === 'string' && isAppUrl(senderUrl);
}
