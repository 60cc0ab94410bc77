/**
 * Tiny synthetic image classification data for training tests: class k is a bright 3x3 square at
 * a class-specific place on a noisy background, so a small CNN learns it in a few dozen steps.
 * Not a test file itself.
 */
export interface TinyImages {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  size: number;
  classes: number;
}

export function tinyImages(count: number, size = 12, classes = 3, seed = 1): TinyImages {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const images = new Float32Array(count * size * size);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % classes;
    labels[n] = label;
    const base = n * size * size;
    for (let i = 0; i < size * size; i++) images[base + i] = 0.3 * rand();
    const top = 1 + ((label * 4) % (size - 4));
    const left = 1 + ((label * 7) % (size - 4));
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) images[base + (top + y) * size + left + x] = 1;
  }
  return { images, labels, count, size, classes };
}
