import { afterEach, describe, expect, test } from 'vitest';
import { classKeyOf, classNumberOfKey, conflictsOf, describeKeys, findShortcut, keyName, keysOf, SHORTCUTS, shortcutOverrides, type CanvasActions, type ShortcutContext } from './shortcuts';

function ctx(canvas: Partial<CanvasActions> | null): ShortcutContext {
  return {
    key: '',
    global: { toggleHelp() {} },
    gallery: null,
    label: null,
    canvas: canvas as CanvasActions | null,
    review: null,
  };
}

afterEach(() => shortcutOverrides.set({}));

describe('shortcut table', () => {
  test('every row id is unique and every row has keys', () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(SHORTCUTS.every((s) => s.keys.length > 0)).toBe(true);
  });

  test('0 is the 10th class everywhere a digit picks a class, and / opens the picker; Backspace clears a tag', () => {
    const regions = ctx({ digitsForRegions: () => true });
    const tags = ctx({ digitsForRegions: () => false });
    expect([findShortcut('0', 'gallery')?.id, findShortcut('0', 'label', tags)?.id, findShortcut('0', 'label', regions)?.id, findShortcut('0', 'review')?.id]).toEqual([
      'gallery.assign',
      'label.assign',
      'canvas.class',
      'review.relabel',
    ]);
    expect(classNumberOfKey('0')).toBe(10);
    expect(classNumberOfKey('1')).toBe(1);
    expect([classKeyOf(8), classKeyOf(9), classKeyOf(10)]).toEqual(['9', '0', null]);
    expect(findShortcut('/', 'review')?.id).toBe('review.pick');
    expect(findShortcut('Backspace', 'label')?.id).toBe('label.clear');
    expect(describeKeys(keysOf(SHORTCUTS.find((s) => s.id === 'review.relabel')!))).toEqual(['1–9', '0']);
  });

  test('named keys carry Shift, characters do not, Ctrl and Cmd are Mod', () => {
    expect(keyName({ key: 'ArrowLeft', shiftKey: true })).toBe('Shift+ArrowLeft');
    expect(keyName({ key: '?', shiftKey: true })).toBe('?');
    expect(keyName({ key: 'Z', ctrlKey: true, shiftKey: true })).toBe('Mod+Shift+z');
    expect(keyName({ key: 'z', metaKey: true })).toBe('Mod+z');
    expect(keyName({ key: ' ' })).toBe('Space');
  });

  test('arrows nudge the selection on the canvas, else they change the image', () => {
    const withSelection = ctx({ hasSelection: () => true, digitsForRegions: () => true });
    const without = ctx({ hasSelection: () => false, digitsForRegions: () => false });
    expect(findShortcut('ArrowRight', 'label', withSelection)?.id).toBe('canvas.nudgeRight');
    expect(findShortcut('Shift+ArrowRight', 'label', withSelection)?.id).toBe('canvas.nudgeRight10');
    expect(findShortcut('ArrowRight', 'label', without)?.id).toBe('label.next');
    expect(findShortcut('Escape', 'label', without)?.id).toBe('label.back');
    expect(findShortcut('Escape', 'label', withSelection)?.id).toBe('canvas.deselect');
  });

  test('digits label the image in a classification project and choose region classes otherwise', () => {
    expect(findShortcut('3', 'label', ctx({ hasSelection: () => false, digitsForRegions: () => false }))?.id).toBe('label.assign');
    expect(findShortcut('3', 'label', ctx({ hasSelection: () => false, digitsForRegions: () => true }))?.id).toBe('canvas.class');
    // Without a canvas (no labeling view) canvas rows never match.
    expect(findShortcut('b', 'review', ctx(null))).toBeUndefined();
  });

  test("a user's keys replace a row's defaults, and conflicts are found", () => {
    const box = SHORTCUTS.find((s) => s.id === 'canvas.box')!;
    shortcutOverrides.set({ 'canvas.box': ['w'] });
    expect(keysOf(box)).toEqual(['w']);
    const c = ctx({ hasSelection: () => false, digitsForRegions: () => false });
    expect(findShortcut('w', 'label', c)?.id).toBe('canvas.box');
    expect(findShortcut('b', 'label', c)).toBeUndefined();
    expect(conflictsOf('v', box).map((s) => s.id)).toEqual(['canvas.select']);
    expect(conflictsOf('q', box)).toEqual([]);
  });
});
