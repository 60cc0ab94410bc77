/**
 * A path to read from: in Electron typed or picked with the native dialog, in the web studio typed
 * (a browser cannot hand over paths on the server's disk).
 */
import { desktop } from '../state/platform';
import { ignore } from '../state/toasts';

interface Props {
  /** What the path names ("Folder or file", "ONNX model file"); the web studio adds "on the server". */
  label: string;
  value: string;
  onChange(value: string): void;
  placeholder: string;
  testId: string;
  /** Electron only: the picker button's text and what it does (it sets the value itself). */
  browseLabel: string;
  browseTestId: string;
  pick(): Promise<string | null>;
}

export function PathField({ label, value, onChange, placeholder, testId, browseLabel, browseTestId, pick }: Props) {
  const browse = async () => {
    const picked = await pick();
    if (picked) onChange(picked);
  };
  return (
    <label className="field">
      <span>{desktop ? label : `${label} on the server`}</span>
      <div className="row">
        <input data-autofocus data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} spellCheck={false} />
        {desktop && (
          <button type="button" onClick={() => browse().catch(ignore)} data-testid={browseTestId}>
            {browseLabel}
          </button>
        )}
      </div>
    </label>
  );
}
