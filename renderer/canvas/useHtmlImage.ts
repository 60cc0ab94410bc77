import { useEffect, useState } from 'react';

export type LoadState = { status: 'loading'; image: null } | { status: 'loaded'; image: HTMLImageElement } | { status: 'failed'; image: null };

/** Loads an <img> for Konva; the previous image is dropped at once so a stale picture never shows. */
export function useHtmlImage(src: string | null): LoadState {
  const [state, setState] = useState<LoadState & { src: string | null }>({ status: 'loading', image: null, src });
  useEffect(() => {
    if (!src) return;
    let live = true;
    const img = new window.Image();
    img.decoding = 'async';
    img.onload = () => live && setState({ status: 'loaded', image: img, src });
    img.onerror = () => live && setState({ status: 'failed', image: null, src });
    img.src = src;
    return () => {
      live = false;
      img.onload = null;
      img.onerror = null;
    };
  }, [src]);
  if (state.src !== src) return { status: 'loading', image: null };
  return state;
}

/** Warms the browser cache for an image the user is likely to open next. */
export function preloadImage(src: string): void {
  const img = new window.Image();
  img.decoding = 'async';
  img.src = src;
}
