/**
 * Every region of the image as ONE Konva shape that draws them all (see region-draw.ts): a
 * scene-graph node per box would cost thousands of nodes and their bookkeeping on every frame of
 * a pan. It never listens to pointer events: the tools hit-test regions themselves.
 */
import { Shape } from 'react-konva/lib/ReactKonvaCore';
import { drawRegions, type DrawItem, type DrawOptions } from './region-draw';

export function RegionShapes({ items, options }: { items: readonly DrawItem[]; options: DrawOptions }) {
  return (
    <Shape
      listening={false}
      perfectDrawEnabled={false}
      sceneFunc={(ctx) => drawRegions(ctx._context as CanvasRenderingContext2D, items, options)}
    />
  );
}
