/**
 * Batch augmentation for image classification on plain typed arrays (NHWC, values in [0, 1]),
 * identical on every tfjs backend and in worker threads. Every op takes a seeded Rng and returns a
 * new batch; inputs are never modified.
 *
 *   const config = parseAugmentList('flip,rotate:15,crop:0.8,cutmix:1.0');
 *   const rng = createRng(seed);
 *   for (const batch of batches) train(augmentBatch(batch, config, rng));
 */
export { createRng, restoreRng, type Rng } from './rng.js';
export { checkBatch, imageAt, mapImages, numClasses, type ImageBatch, type ImageView } from './batch.js';
export { warpAffine, type Affine, type Fill } from './warp.js';
export { flipHorizontal, flipImage, type FlipOptions } from './flip.js';
export { rotate, rotateImage, type RotateOptions } from './rotate.js';
export { cropResizeImage, randomResizedCrop, sampleCropBox, type Box, type CropOptions } from './crop.js';
export { affine, affineImage, type AffineOptions, type AffineParams } from './affine.js';
export { adjustBrightness, adjustContrast, colorJitter, type ColorOptions } from './color.js';
export { autocontrast, equalize, posterize, solarize } from './tone.js';
export { cutMix, sampleCutMixBox, type CutMixBox, type CutMixOptions } from './cutmix.js';
export {
  applyRandAugmentOp,
  randAugment,
  randAugmentImage,
  RANDAUGMENT_OPS,
  type RandAugmentOp,
  type RandAugmentOptions,
} from './randaugment.js';
export {
  AUGMENT_NAMES,
  AugmentParseError,
  formatAugmentConfig,
  parseAugmentList,
  type AugmentConfig,
  type AugmentName,
} from './config.js';
export { augmentBatch } from './pipeline.js';
export { augmentPreview, type PreviewOptions } from './preview.js';
