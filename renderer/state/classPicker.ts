/**
 * The type-to-filter class picker ("/"): reaches every class, also past the ten that have keys.
 * The shortcut that opens it says what a choice does (assign, relabel, region class) as `onPick`,
 * which gets the class's 1-based position, like the digit keys.
 */
import { createStore } from './store';

export const classPicker = createStore<{ onPick(n: number): void } | null>(null);

export function openClassPicker(onPick: (n: number) => void): void {
  classPicker.set({ onPick });
}

export function closeClassPicker(): void {
  classPicker.set(null);
}
