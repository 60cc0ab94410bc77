import { AppError } from '../api/errors';
import type { ScoredBox } from '../annotation';
import type { DetectorSpec, OnnxInputSpec } from './onnx-spec';
import { OnnxImageModel, type BatchOptions, type ImageRow } from './onnx-image-model';
import { decodeYolo, detectYoloLayout, type YoloLayout } from './yolo-decode';

/** What an ONNX teacher's output says it is; anything else is refused with its shape. */
export type TeacherOutput = { kind: 'classifier'; classCount: number } | { kind: 'detector'; yolo: YoloLayout; classCount: number };

const SUPPORTED =
  'a class vector per image ([1, classes]), or a YOLO detection output ([1, boxes, 5 + classes] as YOLOv5 writes it, or [1, 4 + classes, boxes] as YOLOv8 does)';

/**
 * Tell a classifier from a YOLO detector by the output of one image, checking that the class
 * names given (flags, sidecar or metadata) agree with it.
 */
export function teacherOutput(dims: readonly number[], outputName: string, classes: string[] | null, batch = 1): TeacherOutput {
  const shape = `[${dims.join(', ')}]`;
  if (dims.length === 2 && dims[0] === batch) {
    if (classes && classes.length !== dims[1]) throw new AppError('INVALID_INPUT', `The model outputs ${dims[1]} classes but ${classes.length} class names were given.`);
    return { kind: 'classifier', classCount: dims[1]! };
  }
  if (dims.length === 3 && dims[0] === batch) {
    const yolo = detectYoloLayout(dims, classes?.length ?? null);
    if (yolo) {
      const classCount = yolo === 'v5' ? dims[2]! - 5 : dims[1]! - 4;
      if (classCount >= 1) return { kind: 'detector', yolo, classCount };
    }
    if (classes) {
      const k = classes.length;
      throw new AppError(
        'INVALID_INPUT',
        `The model's output "${outputName}" has shape ${shape}, which does not fit ${k} class names: a YOLOv5 output would be [1, boxes, ${5 + k}] and a YOLOv8 one [1, ${4 + k}, boxes].`,
      );
    }
  }
  throw new AppError('INVALID_INPUT', `The model's output "${outputName}" has shape ${shape}: not a class vector per image, nor a detection layout Apprentice reads. Supported: ${SUPPORTED}.`);
}

/**
 * A YOLO-style ONNX detector (v5 or v8 output layout): images in batches as for classifiers,
 * each image's output decoded into normalized boxes above the score threshold after class-wise NMS,
 * mapped back through the letterbox (or crop) the image was fed with.
 */
export class OnnxDetector extends OnnxImageModel {
  private detector!: DetectorSpec;
  classCount = 0;

  static async load(file: string, spec: OnnxInputSpec): Promise<OnnxDetector> {
    if (!spec.detector) throw new AppError('INVALID_INPUT', `${file} was not imported as a detector.`);
    const { ort, session, outputName } = await OnnxImageModel.openSession(file);
    const model = new OnnxDetector(ort, session, spec, outputName);
    try {
      const out = teacherOutput(await model.probe(), outputName, spec.classes, spec.batch);
      if (out.kind !== 'detector' || out.yolo !== spec.detector.yolo) {
        throw new AppError('INVALID_INPUT', `${file} no longer has the YOLO${spec.detector.yolo} output it was imported with.`);
      }
      model.detector = spec.detector;
      model.classCount = out.classCount;
    } catch (err) {
      await model.release();
      throw err;
    }
    return model;
  }

  /**
   * Boxes of each row (normalized to the image, best first), with the stored thresholds or the
   * ones given; null for an image whose output holds NaN (or infinite) values, which would
   * otherwise decode to "no box" and be taken for an image with nothing in it.
   */
  async detectRows(projectDir: string, rows: ImageRow[], overrides: Partial<Pick<DetectorSpec, 'scoreThreshold' | 'iouThreshold'>> = {}, opts: BatchOptions = {}): Promise<(ScoredBox[] | null)[]> {
    const d = { ...this.detector, ...overrides };
    const options = { inputWidth: this.spec.width, inputHeight: this.spec.height, scoreThreshold: d.scoreThreshold, iouThreshold: d.iouThreshold, maxBoxes: d.maxBoxes };
    const out = new Array<ScoredBox[] | null>(rows.length);
    await this.eachBatch(projectDir, rows, opts, async (values, n, start, frames) => {
      const { data, dims } = await this.run(values, n);
      const per = dims.slice(1).reduce((a, b) => a * b, 1);
      for (let i = 0; i < n; i++) {
        const finite = data.subarray(i * per, (i + 1) * per).every(Number.isFinite);
        out[start + i] = finite ? decodeYolo(data, dims, i, d.yolo, { ...options, frame: frames[i]! }) : null;
      }
    });
    return out;
  }
}
