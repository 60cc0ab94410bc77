import type * as tf from '@tensorflow/tfjs';
import { buildSmallCnn } from './small-cnn';
import { buildVgg } from './vgg';
import { buildResnet } from './resnet';
import { buildInception } from './inception';
import { buildMobileNetV2 } from './mobilenetv2';
import type { ArchitectureOptions } from './options';

export type { ArchitectureOptions } from './options';
export { buildSmallCnn, buildVgg, buildResnet, buildInception, buildMobileNetV2 };

export const ARCHITECTURES = ['small-cnn', 'vgg', 'resnet', 'inception', 'mobilenetv2'] as const;
export type ArchitectureName = (typeof ARCHITECTURES)[number];

const BUILDERS: Record<ArchitectureName, (o: ArchitectureOptions) => tf.LayersModel> = {
  'small-cnn': (o) => buildSmallCnn({ height: o.height, width: o.width, channels: o.channels, numClasses: o.numClasses, ...(o.seed !== undefined ? { seed: o.seed } : {}) }),
  vgg: buildVgg,
  resnet: buildResnet,
  inception: buildInception,
  mobilenetv2: buildMobileNetV2,
};

/** Build a fresh, untrained classifier that outputs logits (no softmax). */
export function buildArchitecture(name: ArchitectureName, options: ArchitectureOptions): tf.LayersModel {
  return BUILDERS[name](options);
}

/**
 * The engine's default: the small CNN for small images (it trains fast and well there), a
 * ResNet for mid-size inputs, MobileNetV2 for large ones (cheapest per pixel).
 */
export function defaultArchitecture(height: number, width: number): ArchitectureName {
  const side = Math.min(height, width);
  if (side <= 48) return 'small-cnn';
  if (side <= 96) return 'resnet';
  return 'mobilenetv2';
}
