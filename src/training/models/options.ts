import * as tf from '@tensorflow/tfjs';

/** A kernel initializer (tfjs does not export the class type from its public namespace). */
export type Initializer = ReturnType<typeof tf.initializers.heNormal>;

/** What every architecture builder takes: the project's input, the classes, and the knobs users expect. */
export interface ArchitectureOptions {
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  /** He (for ReLU nets, the default) or Xavier/Glorot initialization of conv and dense kernels. */
  init?: 'he' | 'xavier';
  /** Dropout before the classifier; 0 turns it off. */
  dropout?: number;
  /** Scales every layer's width: 0.5 halves the filters (a smaller, faster student). */
  widthMultiplier?: number;
  /** Seed for the initializers, so a run with --seed is reproducible. */
  seed?: number;
}

/** A kernel initializer per layer: each layer gets its own seed, else layers would start identical. */
export function initializerFactory(options: ArchitectureOptions): () => Initializer {
  let i = 0;
  return () => {
    i++;
    const seed = options.seed === undefined ? undefined : options.seed * 1000 + i;
    const args = seed === undefined ? {} : { seed };
    return options.init === 'xavier' ? tf.initializers.glorotUniform(args) : tf.initializers.heNormal(args);
  };
}

export function scaled(filters: number, options: ArchitectureOptions): number {
  return Math.max(4, Math.round(filters * (options.widthMultiplier ?? 1)));
}

/**
 * How many times the input can be halved while staying at least `min` pixels on its short side:
 * the deep architectures use it to fit their number of downsampling stages to small inputs (28x28)
 * and large ones (224x224) alike.
 */
export function downsampleStages(options: ArchitectureOptions, max: number, min = 4): number {
  let side = Math.min(options.height, options.width);
  let n = 0;
  while (n < max && side / 2 >= min) {
    side /= 2;
    n++;
  }
  return Math.max(1, n);
}

/** Global average pooling, dropout, and the logits layer: the head every architecture ends with. */
export function classifierHead(
  x: tf.SymbolicTensor,
  options: ArchitectureOptions,
  init: () => Initializer,
): tf.SymbolicTensor {
  let y = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  if ((options.dropout ?? 0) > 0) y = tf.layers.dropout({ rate: options.dropout!, name: 'head_dropout' }).apply(y) as tf.SymbolicTensor;
  return tf.layers.dense({ units: options.numClasses, kernelInitializer: init(), name: 'logits' }).apply(y) as tf.SymbolicTensor;
}
