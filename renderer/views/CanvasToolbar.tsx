/**
 * The canvas tools and region commands as buttons, each naming its key: the same actions the
 * shortcut table runs, for people who reach for the mouse.
 */
import type { CSSProperties } from 'react';
import type { ClassInfo } from '../../src/api/types';
import { classKeyOf, describeKeys, keysOf, SHORTCUTS, type CanvasActions, type CanvasToolName } from '../state/shortcuts';
import { Icon, type IconName } from './Icon';

const TOOLS: { tool: CanvasToolName; label: string; icon: IconName; id: string }[] = [
  { tool: 'pan', label: 'Pan', icon: 'hand', id: 'canvas.pan' },
  { tool: 'select', label: 'Select', icon: 'cursor', id: 'canvas.select' },
  { tool: 'box', label: 'Box', icon: 'box', id: 'canvas.box' },
  { tool: 'polygon', label: 'Polygon', icon: 'polygon', id: 'canvas.polygon' },
];

/** " (B)": the key a row has now, for a tooltip. */
function keyHint(id: string): string {
  const row = SHORTCUTS.find((s) => s.id === id);
  const keys = row ? describeKeys(keysOf(row)) : [];
  return keys.length ? ` (${keys.join(' or ')})` : '';
}

interface Props {
  tool: CanvasToolName;
  actions: CanvasActions;
  classes: ClassInfo[];
  drawClass: ClassInfo | null;
  onDrawClass(c: ClassInfo): void;
  canUndo: boolean;
  canRedo: boolean;
  saving: number;
  selectedCount: number;
}

export function CanvasToolbar({ tool, actions, classes, drawClass, onDrawClass, canUndo, canRedo, saving, selectedCount }: Props) {
  return (
    <div className="toolbar canvas-toolbar" role="toolbar" aria-label="Canvas tools">
      <div className="tool-group">
        {TOOLS.map((t) => (
          <button
            key={t.tool}
            className={`tool-button${tool === t.tool ? ' active' : ''}`}
            onClick={() => actions.setTool(t.tool)}
            title={`${t.label}${keyHint(t.id)}`}
            aria-pressed={tool === t.tool}
            data-testid={`tool-${t.tool}`}
          >
            <Icon name={t.icon} /> {t.label}
          </button>
        ))}
      </div>
      <label className="draw-class" style={{ '--c': drawClass?.color ?? 'transparent' } as CSSProperties} title="The class of the next region drawn (number keys choose it)">
        <i />
        <select value={drawClass?.id ?? ''} onChange={(e) => { const c = classes.find((k) => k.id === Number(e.target.value)); if (c) onDrawClass(c); }} data-testid="draw-class" disabled={!classes.length}>
          {!classes.length && <option value="">no classes</option>}
          {classes.map((c, i) => (
            <option key={c.id} value={c.id}>
              {classKeyOf(i) !== null ? `${classKeyOf(i)} · ` : ''}
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <div className="tool-group">
        <button onClick={actions.undo} disabled={!canUndo} title={`Undo${keyHint('canvas.undo')}`} data-testid="regions-undo">
          <Icon name="undo" /> Undo
        </button>
        <button onClick={actions.redo} disabled={!canRedo} title={`Redo${keyHint('canvas.redo')}`} data-testid="regions-redo">
          <Icon name="redo" /> Redo
        </button>
      </div>
      <div className="tool-group">
        <button onClick={actions.copy} disabled={!selectedCount} title={`Copy the selected regions${keyHint('canvas.copy')}`}>
          Copy
        </button>
        <button onClick={actions.paste} title={`Paste${keyHint('canvas.paste')}`} data-testid="regions-paste">
          Paste
        </button>
        <button onClick={() => void actions.repeatPrevious()} title={`Repeat the previous image's regions${keyHint('canvas.repeat')}`} data-testid="regions-repeat">
          Repeat previous
        </button>
        <button onClick={actions.zoomToSelection} title={`Zoom to the selection${keyHint('canvas.zoomSelection')}`}>
          Zoom to selection
        </button>
        <button onClick={actions.deleteSelected} disabled={!selectedCount} title={`Delete the selected regions${keyHint('canvas.delete')}`} data-testid="regions-delete">
          Delete
        </button>
      </div>
      <span className="grow" />
      <span className="muted small saving" data-testid="regions-saving" data-saving={saving}>
        {saving ? 'Saving…' : 'Saved'}
      </span>
    </div>
  );
}
