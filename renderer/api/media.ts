/** URLs of image bytes: the custom protocol in Electron, same-origin HTTP on the web. */
export type MediaSize = 'thumb' | 'full';

const electron = typeof window !== 'undefined' && window.apprentice !== undefined;

/**
 * The open project's media key (ProjectInfo.mediaKey), set when a project opens. Image ids restart
 * at 1 in every project: with the key in the URL, no cached image of another project is shown.
 */
let mediaKey = '';

export function setMediaKey(key: string): void {
  mediaKey = key;
}

export function mediaUrl(imageId: number, size: MediaSize): string {
  return electron ? `apprentice-media://media/${mediaKey}/${imageId}/${size}` : `/media/${mediaKey}/${imageId}/${size}`;
}
