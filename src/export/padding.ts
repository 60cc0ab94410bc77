/**
 * tfjs/TensorFlow 'same' padding, made explicit for ONNX. TensorFlow pads so the output is
 * ceil(in / stride), and when the total padding is odd it puts the extra pixel at the bottom/right;
 * ONNX's auto_pad SAME_UPPER means the same thing but is deprecated and not honoured identically
 * by every runtime, so we compute the numbers per layer from the known input size.
 */

export type PaddingMode = 'same' | 'valid';

/** [begin, end] padding of one spatial axis. */
export function samePadding(inSize: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** ONNX `pads` for a 2-D window: [top, left, bottom, right]. */
export function onnxPads(
  mode: string,
  input: { height: number; width: number },
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): [number, number, number, number] {
  if (mode === 'valid') return [0, 0, 0, 0];
  if (mode !== 'same') throw new Error(`padding '${mode}' is not supported (only 'same' and 'valid')`);
  const [top, bottom] = samePadding(input.height, kernel[0], strides[0], dilations[0]);
  const [left, right] = samePadding(input.width, kernel[1], strides[1], dilations[1]);
  return [top, left, bottom, right];
}
