/**
 * The labeling canvas: a Konva stage showing one image. It fits the image on open, zooms with the
 * wheel around the pointer and pans by dragging (the pan tool). With a drawing tool active, plain
 * drags belong to the tool (pointer events are handed over in image pixels) and panning needs
 * Space or the middle button. It owns only its viewport; the image and its labels belong to the core.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type PointerEvent, type ReactNode, type Ref } from 'react';
// The core build of Konva plus the one shape we draw: no filters or unused shapes in the bundle.
import 'konva/lib/shapes/Image';
import { Image as KonvaImage, Layer, Stage } from 'react-konva/lib/ReactKonvaCore';
import { useHtmlImage } from './useHtmlImage';
import { fitViewport, panBy, wheelFactor, zoomAround, type Size, type Viewport } from './viewport';
import { PAN_DEFAULTS, PAN_IDLE, panStep, type PanEvent, type PanState } from '../tools/pan';
import type { Point, Rect, ToolEvent } from '../tools/types';

export interface ImageStageHandle {
  fit(): void;
  zoom(factor: number): void;
  /** Show this part of the image (image pixels), as large as fits. */
  zoomTo(rect: Rect): void;
}

/** What the stage needs of the active drawing tool. */
export interface StageTool {
  cursor: string;
  onEvent(ev: ToolEvent, scale: number): void;
}

interface Props {
  src: string;
  alt: string;
  ref?: Ref<ImageStageHandle>;
  onZoomChange?: (scale: number) => void;
  /** The image's natural (upright) size, once it has loaded. */
  onImageSize?: (size: Size) => void;
  tool?: StageTool | null;
  /** Drawn above the image, in image coordinates. */
  overlay?: (vp: Viewport) => ReactNode;
}

const PAN_WITH_TOOL = { ...PAN_DEFAULTS, requireSpace: true };

export function ImageStage({ src, alt, ref, onZoomChange, onImageSize, tool, overlay }: Props) {
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

  const zoomTo = useCallback(
    (rect: Rect) => {
      if (!size.width || !size.height) return;
      const pad = Math.max(24, 0.1 * Math.min(size.width, size.height));
      fitted.current = false;
      const v = fitViewport({ width: Math.max(rect.w, 8), height: Math.max(rect.h, 8) }, size, pad);
      setVp({ scale: v.scale, x: v.x - rect.x * v.scale, y: v.y - rect.y * v.scale });
    },
    [size],
  );

  useImperativeHandle(ref, () => ({ fit, zoom: (f) => zoomBy(f), zoomTo }), [fit, zoomBy, zoomTo]);

  useEffect(() => {
    if (image) onImageSize?.({ width: image.naturalWidth, height: image.naturalHeight });
  }, [image, onImageSize]);

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

  /** Feeds the pan tool; true when the event was a pan (so the drawing tool must not see it). */
  const feed = (ev: PanEvent): boolean => {
    const out = panStep(pan.current, ev, tool ? PAN_WITH_TOOL : PAN_DEFAULTS);
    const panning = out.state.mode !== 'idle' || pan.current.mode !== 'idle';
    pan.current = out.state;
    setCursor(out.state.mode === 'idle' ? 'grab' : 'grabbing');
    if (out.intent) {
      const { dx, dy } = out.intent;
      fitted.current = false;
      setVp((v) => panBy(v, dx, dy));
    }
    return panning;
  };

  const local = (e: PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const toImage = (p: { x: number; y: number }): Point => ({ x: (p.x - vp.x) / vp.scale, y: (p.y - vp.y) / vp.scale });
  const toTool = (ev: ToolEvent) => tool?.onEvent(ev, vp.scale);

  return (
    <div
      ref={boxRef}
      className="stage-box"
      style={{ cursor: tool && cursor === 'grab' && !space.current ? tool.cursor : cursor }}
      role="img"
      aria-label={alt}
      data-testid="image-stage"
      data-scale={vp.scale}
      data-x={vp.x}
      data-y={vp.y}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        const at = local(e);
        if (feed({ type: 'down', ...at, button: e.button, space: space.current })) return;
        if (e.button === 0) toTool({ type: 'down', p: toImage(at), button: 0, shift: e.shiftKey, mod: e.ctrlKey || e.metaKey });
      }}
      onPointerMove={(e) => {
        const at = local(e);
        if (!feed({ type: 'move', ...at })) toTool({ type: 'move', p: toImage(at) });
      }}
      onPointerUp={(e) => {
        if (!feed({ type: 'up' })) toTool({ type: 'up', p: toImage(local(e)) });
      }}
      onPointerCancel={() => {
        feed({ type: 'cancel' });
        toTool({ type: 'cancel' });
      }}
      onDoubleClick={tool ? undefined : fit}
    >
      {size.width > 0 && size.height > 0 && (
        <Stage width={size.width} height={size.height} listening={false}>
          <Layer x={vp.x} y={vp.y} scaleX={vp.scale} scaleY={vp.scale} imageSmoothingEnabled={vp.scale < 3}>
            {image && <KonvaImage image={image} width={image.naturalWidth} height={image.naturalHeight} />}
            {image && overlay?.(vp)}
          </Layer>
        </Stage>
      )}
      {loaded.status === 'loading' && <div className="stage-note">Loading…</div>}
      {loaded.status === 'failed' && <div className="stage-note error">This image could not be loaded.</div>}
    </div>
  );
}
