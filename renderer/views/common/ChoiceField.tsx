/** A labeled drop-down of fixed choices (a format, a split) in a dialog's form grid. */

interface Props<T extends string> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(value: NoInfer<T>): void;
  testId: string;
  /** The field the dialog focuses when it opens. */
  autoFocus?: boolean;
}

export function ChoiceField<T extends string>({ label, value, options, onChange, testId, autoFocus }: Props<T>) {
  return (
    <label className="field">
      <span>{label}</span>
      <select data-autofocus={autoFocus || undefined} value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
