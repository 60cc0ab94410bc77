/** One thumbnail in the gallery grid, with its class badge. */
import { memo, type CSSProperties, type MouseEvent } from 'react';
import type { ClassInfo, ImageSummary } from '../../src/api/types';
import { mediaUrl } from '../api/media';

interface Props {
  index: number;
  item: ImageSummary | undefined;
  cls: ClassInfo | undefined;
  left: number;
  top: number;
  size: number;
  selected: boolean;
  focused: boolean;
  onPick(index: number, item: ImageSummary, e: MouseEvent): void;
  onOpen(index: number, item: ImageSummary): void;
}

export const GalleryCell = memo(function GalleryCell({ index, item, cls, left, top, size, selected, focused, onPick, onOpen }: Props) {
  const style = { transform: `translate(${left}px, ${top}px)`, width: size, height: size };
  if (!item) return <div className="cell placeholder" style={style} aria-hidden="true" />;
  return (
    <div
      className={`cell${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      style={style}
      data-testid="gallery-cell"
      data-image-id={item.id}
      data-index={index}
      data-class-name={cls?.name ?? ''}
      role="gridcell"
      aria-selected={selected}
      title={item.fileName}
      onClick={(e) => onPick(index, item, e)}
      onDoubleClick={() => onOpen(index, item)}
    >
      <img src={mediaUrl(item.id, 'thumb')} alt={item.fileName} loading="lazy" decoding="async" draggable={false} />
      <div className="cell-footer">
        {cls ? (
          <span className="class-badge" style={{ '--c': cls.color } as CSSProperties}>
            <i />
            {cls.name}
          </span>
        ) : (
          <span className="class-badge none">unlabeled</span>
        )}
        {item.split !== 'unlabeled' && <span className="split-badge">{item.split}</span>}
      </div>
    </div>
  );
});
