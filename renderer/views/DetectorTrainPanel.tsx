/**
 * Detector (boxes): in a detect project, train the box student on the project's boxes (a person's
 * boxes and accepted or corrected pseudo boxes, optionally a teacher's pending ones above a score).
 * The job shows in the progress list and the Train view; the finished detector appears in Models
 * (the models-changed event refreshes them) and can pre-label boxes as a teacher.
 */
import { useState } from 'react';
import { startJob } from '../state/jobs';

export function DetectorTrainPanel() {
  const [epochs, setEpochs] = useState('30');
  const [batchSize, setBatchSize] = useState('16');
  const [learningRate, setLearningRate] = useState('0.002');
  const [pendingAbove, setPendingAbove] = useState('');
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    try {
      await startJob({
        kind: 'train-detector',
        input: {
          epochs: Number(epochs),
          batchSize: Number(batchSize),
          learningRate: Number(learningRate),
          pendingAbove: pendingAbove.trim() === '' ? null : Number(pendingAbove),
        },
      });
    } catch {
      // The toast said what is wrong.
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="train-form detector-train"
      data-testid="detector-train"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <h3>Detector (boxes)</h3>
      <p className="muted small">A small detector learns from the boxes of this project; it can then pre-label boxes as a teacher.</p>
      <label className="tfield" title="Passes over the training images">
        <span>Epochs</span>
        <input type="number" min={1} max={1000} step={1} value={epochs} data-testid="detector-epochs" onChange={(e) => setEpochs(e.target.value)} />
      </label>
      <label className="tfield" title="Images per step">
        <span>Batch size</span>
        <input type="number" min={1} max={1024} step={1} value={batchSize} data-testid="detector-batch" onChange={(e) => setBatchSize(e.target.value)} />
      </label>
      <label className="tfield" title="Adam's step size">
        <span>Learning rate</span>
        <input type="number" min={0} step="any" value={learningRate} data-testid="detector-lr" onChange={(e) => setLearningRate(e.target.value)} />
      </label>
      <label className="tfield" title="Also learn from a teacher's pending boxes scoring at least this (empty: only reviewed boxes)">
        <span>Pending boxes above</span>
        <input type="number" min={0} max={1} step="any" placeholder="off" value={pendingAbove} data-testid="detector-pending" onChange={(e) => setPendingAbove(e.target.value)} />
      </label>
      <div className="train-actions">
        <button type="submit" className="primary" data-testid="detector-start" disabled={busy}>
          Train detector
        </button>
      </div>
    </form>
  );
}
