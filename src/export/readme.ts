/**
 * The README.md written beside an export: what the model expects and ~10 lines that run it, so
 * someone who receives the folder needs nothing else.
 */
import type { ExportMetadata } from './metadata';
import { ONNX_NAMES } from './onnx-writer';

export interface ReadmeOptions {
  format: 'onnx' | 'tfjs';
  /** The ONNX file's name in the folder (for the example). */
  onnxFile?: string;
  mean?: number[];
  std?: number[];
  baked?: boolean;
}

export function exportReadme(meta: ExportMetadata, options: ReadmeOptions): string {
  const { height: h, width: w, channels: c, scale } = meta.input;
  const onnxFile = options.onnxFile ?? 'model.onnx';
  const pre = options.baked
    ? `raw pixels 0..255 as uint8 (the graph scales them itself)`
    : `float32 pixels multiplied by ${scale}${options.mean ? `, minus mean ${JSON.stringify(options.mean)}` : ''}${options.std ? `, divided by std ${JSON.stringify(options.std)}` : ''}`;
  const inputName = options.baked ? ONNX_NAMES.imageUint8 : ONNX_NAMES.image;
  const lines = [
    `# ${meta.arch ?? 'Image'} classifier (model ${meta.id})`,
    '',
    `Exported by Apprentice as ${options.format === 'onnx' ? 'ONNX (opset 13)' : 'a TensorFlow.js layers model'}.`,
    '',
    '## Input',
    '',
    `- ${w}x${h} pixels, ${c} channel${c === 1 ? ' (grayscale)' : 's (RGB)'}, layout NHWC: [batch, ${h}, ${w}, ${c}]`,
    `- ${pre}`,
    '',
    '## Output',
    '',
    `- ${meta.classes.length} classes, in the order of \`labels.txt\`: ${meta.classes.slice(0, 20).join(', ')}${meta.classes.length > 20 ? ', ...' : ''}`,
    ...(meta.multiLabel
      ? [
        options.format === 'onnx'
          ? `- \`${ONNX_NAMES.logits}\` [batch, ${meta.classes.length}] raw scores, \`${ONNX_NAMES.probabilities}\` [batch, ${meta.classes.length}] a sigmoid of each`
          : '- the model outputs logits (raw scores); apply a sigmoid to each for its probability',
        '- multi-label: an image may carry several classes; every class with probability >= 0.5 is present',
      ]
      : [
        options.format === 'onnx'
          ? `- \`${ONNX_NAMES.logits}\` [batch, ${meta.classes.length}] raw scores, \`${ONNX_NAMES.probabilities}\` [batch, ${meta.classes.length}] softmax of them`
          : '- the model outputs logits (raw scores); apply softmax for probabilities',
      ]),
    '',
  ];
  if (options.format === 'tfjs') {
    lines.push(
      '## Run it with TensorFlow.js',
      '',
      '```js',
      "import * as tf from '@tensorflow/tfjs-node';",
      "import { readFileSync } from 'node:fs';",
      "const model = await tf.loadLayersModel('file://./model.json');",
      `const pixels = new Float32Array(${h * w * c}); // your image, ${pre.replace(/`/g, '')}`,
      `const probs = tf.${meta.multiLabel ? 'sigmoid' : 'softmax'}(model.predict(tf.tensor4d(pixels, [1, ${h}, ${w}, ${c}])));`,
      "const labels = readFileSync('labels.txt', 'utf8').trim().split('\\n');",
      meta.multiLabel
        ? 'console.log(labels.filter((_, i) => probs.dataSync()[i] >= 0.5));'
        : 'console.log(labels[probs.argMax(1).dataSync()[0]]);',
      '```',
      '',
      `The same model exported to ONNX (\`apprentice export-model --format onnx\`) runs with onnxruntime:`,
      '',
    );
  }
  lines.push(
    '## Run it with onnxruntime-node',
    '',
    '```js',
    "import * as ort from 'onnxruntime-node';",
    "import { readFileSync } from 'node:fs';",
    `const session = await ort.InferenceSession.create('${onnxFile}');`,
    "const labels = readFileSync('labels.txt', 'utf8').trim().split('\\n');",
    options.baked
      ? `const pixels = new Uint8Array(${h * w * c}); // your image: ${h} rows of ${w} pixels x ${c} channels, 0..255`
      : `const pixels = new Float32Array(${h * w * c}); // your image: ${h} rows of ${w} pixels x ${c} channels, value * ${scale}`,
    `const input = new ort.Tensor('${options.baked ? 'uint8' : 'float32'}', pixels, [1, ${h}, ${w}, ${c}]);`,
    `const { ${ONNX_NAMES.probabilities} } = await session.run({ ${inputName}: input });`,
    `const p = Array.from(${ONNX_NAMES.probabilities}.data);`,
    ...(meta.multiLabel
      ? ['console.log(labels.filter((_, i) => p[i] >= 0.5)); // every class the image carries']
      : ['const best = p.indexOf(Math.max(...p));', 'console.log(labels[best], p[best]);']),
    '```',
    '',
  );
  return lines.join('\n');
}

/** labels.txt: one class name per line, in output order. */
export function labelsText(classes: string[]): string {
  return `${classes.join('\n')}\n`;
}
