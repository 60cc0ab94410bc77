/**
 * The labeling canvas: a Konva stage showing one image. It fits the image on open, zooms with the
 * wheel around the pointer and pans by dragging (the pan tool). It owns only its viewport; the
 * image and its labels belong to the core.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type PointerEvent, type Ref } from 'react';
// The core build of Konva plus the one shape we draw: no filters or unused shapes in the bundle.
import 'konva/lib/shapes/Image';
import { Image as KonvaImage, Layer, Stage } from 'react-konva/lib/ReactKonvaCore';
import { useHtmlImage } from './useHtmlImage';
import { fitViewport, panBy, wheelFactor, zoomAround, type Size, type Viewport } from './viewport';
import { PAN_DEFAULTS, PAN_IDLE, panStep, type PanEvent, type PanState } from '../tools/pan';

export interface ImageStageHandle {
  fit(): void;
  zoom(factor: number): void;
}

interface Props {
  src: string;
  alt: string;
  ref?: Ref<ImageStageHandle>;
  onZoomChange?: (scale: number) => void;
}

export function ImageStage({ src, alt, ref, onZoomChange }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const [vp, setVp] = useState<Viewport>({ scale: 1, x: 0, y: 0 });
  const fitted = useRef(true);
  const pan = useRef<PanState>(PAN_IDLE);
  const space = useRef(false);
  const [cursor, setCursor] = useState<'grab' | 'grabbing'>('grab');
  const loaded = useHtmlImage(src);
  const image = loaded.image;

  const fit = useCallback(() => {
    if (!image) return;
    fitted.current = true;
    setVp(fitViewport({ width: image.naturalWidth, height: image.naturalHeight }, size));
  }, [image, size]);

  // Fit on a new image, and again on resize while the user has not zoomed or panned.
  useEffect(() => {
    if (image) fit();
  }, [image]); // not on every `fit` change: only a new image refits unconditionally
  useEffect(() => {
    if (fitted.current) fit();
  }, [size.width, size.height]);

  useEffect(() => onZoomChange?.(vp.scale), [vp.scale, onZoomChange]);

  const zoomBy = useCallback(
    (factor: number, at?: { x: number; y: number }) => {
      fitted.current = false;
      setVp((v) => zoomAround(v, at ?? { x: size.width / 2, y: size.height / 2 }, factor));
    },
    [size],
  );

  useImperativeHandle(ref, () => ({ fit, zoom: (f) => zoomBy(f) }), [fit, zoomBy]);

  // Size follows the box.
  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    setSize({ width: el.clientWidth, height: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  // The wheel zooms around the pointer (non-passive, so the page never scrolls instead).
  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const factor = wheelFactor(e.deltaY, e.deltaMode);
      fitted.current = false;
      setVp((v) => zoomAround(v, { x: e.clientX - r.left, y: e.clientY - r.top }, factor));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  // Space held: the cursor says "drag to pan".
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.key === ' ') space.current = true;
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') space.current = false;
    };
    const blur = () => (space.current = false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, []);

  const feed = (ev: PanEvent) => {
    const out = panStep(pan.current, ev, PAN_DEFAULTS);
    pan.current = out.state;
    setCursor(out.state.mode === 'idle' ? 'grab' : 'grabbing');
    if (out.intent) {
      const { dx, dy } = out.intent;
      fitted.current = false;
      setVp((v) => panBy(v, dx, dy));
    }
  };

  const local = (e: PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  return (
    <div
      ref={boxRef}
      className="stage-box"
      style={{ cursor }}
      role="img"
      aria-label={alt}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        feed({ type: 'down', ...local(e), button: e.button, space: space.current });
      }}
      onPointerMove={(e) => feed({ type: 'move', ...local(e) })}
      onPointerUp={() => feed({ type: 'up' })}
      onPointerCancel={() => feed({ type: 'cancel' })}
      onDoubleClick={fit}
    >
      {size.width > 0 && size.height > 0 && (
        <Stage width={size.width} height={size.height} listening={false}>
          <Layer x={vp.x} y={vp.y} scaleX={vp.scale} scaleY={vp.scale} imageSmoothingEnabled={vp.scale < 3}>
            {image && <KonvaImage image={image} width={image.naturalWidth} height={image.naturalHeight} />}
          </Layer>
        </Stage>
      )}
      {loaded.status === 'loading' && <div className="stage-note">Loading…</div>}
      {loaded.status === 'failed' && <div className="stage-note error">This image could not be loaded.</div>}
    </div>
  );
}
