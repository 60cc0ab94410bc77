/**
 * How many examples of a training batch the model got right, from the logits of the forward pass
 * that computed the batch's gradients. Summed over an epoch this is the training accuracy Keras
 * and PyTorch scripts report: measured as the batches were trained (augmented, dropout on, the
 * weights moving during the epoch), at no extra cost, instead of a second pass over the training set.
 *  - classes (softmax): argmax of the logits against argmax of the hard target (for distillation
 *    rows, the one-hot part [soft k | hard k | alpha | T]; for CutMix blends, the larger share);
 *  - multi-label (sigmoid): exact match of logit >= 0 (sigmoid >= 0.5) against target >= 0.5.
 */
export function correctInBatch(
  logits: Float32Array, targets: Float32Array, n: number, numClasses: number, targetWidth: number, multiLabel: boolean,
): number {
  const k = numClasses;
  // Distillation rows keep the hard label after the soft one.
  const hardOffset = targetWidth === k ? 0 : k;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const z = i * k;
    const t = i * targetWidth + hardOffset;
    if (multiLabel) {
      let right = true;
      for (let c = 0; c < k && right; c++) right = (logits[z + c]! >= 0) === (targets[t + c]! >= 0.5);
      if (right) correct++;
      continue;
    }
    let predicted = 0;
    let truth = 0;
    for (let c = 1; c < k; c++) {
      if (logits[z + c]! > logits[z + predicted]!) predicted = c;
      if (targets[t + c]! > targets[t + truth]!) truth = c;
    }
    if (predicted === truth) correct++;
  }
  return correct;
}
