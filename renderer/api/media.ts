/** URLs of image bytes: the custom protocol in Electron, same-origin HTTP on the web. */
export type MediaSize = 'thumb' | 'full';

const electron = typeof window !== 'undefined' && window.apprentice !== undefined;

export function mediaUrl(imageId: number, size: MediaSize): string {
  return electron ? `apprentice-media://media/${imageId}/${size}` : `/media/${imageId}/${size}`;
}
