import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { locateWasmDir } from '../wasm-files.js';
import { installWasmTrainingKernels } from './index.js';
import { relativeError, runKernelOn } from '../../../test-support/wasm-kernels.js';

describe('installWasmTrainingKernels', () => {
  it('works when installed before the wasm backend starts (delegation to the originals included)', async () => {
    installWasmTrainingKernels(); // before tf.setBackend('wasm') initialises the backend
    setWasmPaths(locateWasmDir());
    expect(await tf.setBackend('wasm')).toBe(true);

    // Stride 2 is delegated to the original Conv2DBackpropInput, whose C++ binding is made at setup.
    const dy = { values: Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => Math.sin(i)), shape: [2, 4, 4, 3] };
    const filter = { values: Float32Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => Math.cos(i)), shape: [3, 3, 2, 3] };
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', inputShape: [2, 7, 8, 2] };
    const expected = await runKernelOn('cpu', tf.Conv2DBackpropInput, { dy, filter }, attrs);
    const actual = await runKernelOn('wasm', tf.Conv2DBackpropInput, { dy, filter }, attrs);
    expect(relativeError(actual, expected)).toBeLessThan(1e-5);
  });
});
