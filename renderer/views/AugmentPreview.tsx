/**
 * "What the model will see": one image of the project at the training input size, augmented
 * eight times with the current --augment list (drawn by the core, so it is exactly the training
 * code's output). On demand, not per keystroke: the preview decodes an image each time.
 */
import { useState } from 'react';
import { augmentPreview } from '../state/training';
import { ignore } from '../state/toasts';

export function AugmentPreview({ augment }: { augment: string }) {
  const [png, setPng] = useState<string | null>(null);
  const [seed, setSeed] = useState(0);
  const [busy, setBusy] = useState(false);

  const show = async (nextSeed: number) => {
    setBusy(true);
    try {
      const png = await augmentPreview(augment, nextSeed);
      if (png === null) return;
      setPng(png);
      setSeed(nextSeed);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="augment-preview" data-testid="augment-preview">
      <div className="augment-preview-actions">
        <button type="button" disabled={busy} onClick={() => void show(seed).catch(ignore)} data-testid="augment-preview-show">
          Preview augmentation
        </button>
        {png && (
          <button type="button" disabled={busy} onClick={() => void show(seed + 1).catch(ignore)}>
            Other samples
          </button>
        )}
      </div>
      {png && <img src={png} alt="Eight augmented versions of one training image" data-testid="augment-preview-image" />}
    </div>
  );
}
