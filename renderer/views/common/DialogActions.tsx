/** A dialog form's buttons: submit, then close. */

interface Props {
  submitLabel: string;
  /** Nothing to submit yet (an empty path): a real disabled button. */
  disabled: boolean;
  /** Working (a request or a job runs): submitting again does nothing. */
  busy: boolean;
  testId: string;
  closeLabel: string;
  onClose(): void;
}

export function DialogActions({ submitLabel, disabled, busy, testId, closeLabel, onClose }: Props) {
  return (
    <div className="form-actions">
      {/* aria-disabled, not disabled, while it runs: a disabled button drops the focus out of the dialog (and Escape with it). */}
      <button type="submit" className="primary" disabled={disabled} aria-disabled={busy} data-testid={testId}>
        {submitLabel}
      </button>
      <button type="button" onClick={onClose}>
        {closeLabel}
      </button>
    </div>
  );
}
