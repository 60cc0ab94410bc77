import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { exportOnnx, randomSamples, UnsupportedLayerError, verifyOnnx } from './index';
import { onnx } from './onnx-proto';
import { metadataFor, randomizeBatchNorms } from '../test-support/export-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Every supported layer kind in one functional model, on an odd-sized input so that 'same'
 * padding with stride 2 is asymmetric (tfjs pads the extra pixel at the bottom/right): a
 * symmetric-padding exporter fails this test.
 */
function everyLayerModel(): tf.LayersModel {
  const L = tf.layers;
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const image = tf.input({ shape: [15, 13, 3], name: 'image' });
  const x = L.rescaling({ scale: 2, offset: -1, name: 'to_minus1_1' }).apply(image) as tf.SymbolicTensor;
  let a = L.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: true, activation: 'relu', kernelInitializer: init(1), biasInitializer: 'randomNormal', name: 'conv_s2_relu' }).apply(x) as tf.SymbolicTensor;
  a = L.batchNormalization({ name: 'bn_after_relu' }).apply(a) as tf.SymbolicTensor; // not foldable: activation before it
  const b = L.conv2d({ filters: 8, kernelSize: 5, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(2), name: 'conv5_s2' }).apply(x) as tf.SymbolicTensor;
  const bn = L.batchNormalization({ name: 'conv5_bn' }).apply(b) as tf.SymbolicTensor; // folded
  const relu6 = L.reLU({ maxValue: 6, name: 'relu6' }).apply(bn) as tf.SymbolicTensor;
  const sum = L.add({ name: 'add' }).apply([a, relu6]) as tf.SymbolicTensor;
  const dw = L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2, useBias: true, depthwiseInitializer: init(3), biasInitializer: 'randomNormal', name: 'dw_m2' }).apply(sum) as tf.SymbolicTensor;
  const dwBn = L.batchNormalization({ center: false, name: 'dw_bn' }).apply(dw) as tf.SymbolicTensor;
  const leaky = L.leakyReLU({ alpha: 0.2, name: 'leaky' }).apply(dwBn) as tf.SymbolicTensor;
  const pool3 = L.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: 'pool3_same' }).apply(leaky) as tf.SymbolicTensor;
  const padded = L.zeroPadding2d({ padding: [[1, 0], [0, 1]], name: 'zero_pad' }).apply(leaky) as tf.SymbolicTensor;
  const valid = L.conv2d({ filters: 6, kernelSize: 2, padding: 'valid', kernelInitializer: init(4), name: 'conv2x2_valid' }).apply(padded) as tf.SymbolicTensor;
  const cat = L.concatenate({ axis: -1, name: 'concat' }).apply([pool3, valid]) as tf.SymbolicTensor;
  const act = L.activation({ activation: 'tanh', name: 'tanh' }).apply(cat) as tf.SymbolicTensor;
  const avg = L.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same', name: 'avgpool_same' }).apply(act) as tf.SymbolicTensor;
  const maxp = L.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: 'maxpool_valid' }).apply(act) as tf.SymbolicTensor;
  const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(avg) as tf.SymbolicTensor;
  const flat = L.flatten({ name: 'flatten' }).apply(maxp) as tf.SymbolicTensor; // 2x2 spatial: order matters
  const gmp = L.globalMaxPooling2d({ name: 'gmp' }).apply(act) as tf.SymbolicTensor;
  let h = L.concatenate({ name: 'head_concat' }).apply([gap, flat, gmp]) as tf.SymbolicTensor;
  h = L.dense({ units: 12, activation: 'relu', kernelInitializer: init(5), biasInitializer: 'randomNormal', name: 'fc_relu' }).apply(h) as tf.SymbolicTensor;
  h = L.dropout({ rate: 0.5, name: 'dropout' }).apply(h) as tf.SymbolicTensor;
  h = L.dense({ units: 12, kernelInitializer: init(6), name: 'fc_linear' }).apply(h) as tf.SymbolicTensor;
  h = L.batchNormalization({ name: 'fc_bn' }).apply(h) as tf.SymbolicTensor; // folded into the Gemm
  h = L.elu({ name: 'elu' }).apply(h) as tf.SymbolicTensor;
  const out = L.dense({ units: 5, kernelInitializer: init(7), name: 'logits' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: out, name: 'every_layer' });
}

describe('the ONNX writer, layer by layer', () => {
  test('a functional model with every supported layer kind verifies, folded and unfolded', async () => {
    const model = everyLayerModel();
    expect(randomizeBatchNorms(model)).toBe(4);
    const meta = metadataFor(model);
    const samples = randomSamples(8, meta.input, 21);
    for (const foldBatchNorm of [true, false]) {
      const bytes = exportOnnx(model, meta, { foldBatchNorm });
      const ops = (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType);
      // Folding removes the three BNs that follow a linear conv/dense; the one after a ReLU stays.
      expect(ops.filter((o) => o === 'BatchNormalization').length).toBe(foldBatchNorm ? 1 : 4);
      expect(ops).toEqual(expect.arrayContaining(['Conv', 'Clip', 'Add', 'LeakyRelu', 'MaxPool', 'AveragePool', 'Concat', 'Tanh', 'GlobalAveragePool', 'GlobalMaxPool', 'Flatten', 'Gemm', 'Elu', 'Softmax', 'Pad', 'Mul']));
      const result = await verifyOnnx(bytes, model, samples, 8);
      expect(result).toMatchObject({ verified: true, top1Agreement: 1 });
    }
    model.dispose();
  });

  test('a model used as a layer (a backbone) is inlined', async () => {
    const inner = tf.sequential({
      name: 'backbone',
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: 'bb_conv' }),
        tf.layers.batchNormalization({ name: 'bb_bn' }),
        tf.layers.reLU({ name: 'bb_relu' }),
      ],
    });
    const x = tf.input({ shape: [8, 8, 1] });
    const features = inner.apply(x) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({}).apply(features) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3 }).apply(pooled) as tf.SymbolicTensor });
    randomizeBatchNorms(model, 3);
    const meta = metadataFor(model);
    const result = await verifyOnnx(exportOnnx(model, meta), model, randomSamples(4, meta.input, 2), 4);
    expect(result.verified).toBe(true);
    model.dispose();
  });

  test('an unsupported layer is refused with its name and class', () => {
    const x = tf.input({ shape: [8, 8, 1] });
    let y = tf.layers.upSampling2d({ size: [2, 2], name: 'zoom_in' }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2 }).apply(y) as tf.SymbolicTensor });
    const run = () => exportOnnx(model, metadataFor(model));
    expect(run).toThrow(UnsupportedLayerError);
    expect(run).toThrow(/layer 'zoom_in' \(UpSampling2D\) cannot be exported to ONNX/);
    model.dispose();
  });

  test('metadata that does not match the model is refused before anything is written', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3 })] });
    const meta = metadataFor(model);
    expect(() => exportOnnx(model, { ...meta, classes: ['a', 'b'] })).toThrow(/3 outputs but 2 class names/);
    expect(() => exportOnnx(model, { ...meta, input: { ...meta.input, channels: 3 } })).toThrow(/takes 4x4x1/);
    model.dispose();
  });
});
