// `npm run bench`: every benchmark, each printing its figures and ratios measured in this run.
// Pick some with `npm run bench -- import gallery`.
import { benchImport } from './import';
import { benchGallery } from './gallery';
import { benchFrozenBackbone } from './frozen-backbone';
import { benchTeacherStudent } from './teacher-student';
import { benchOnnxInference } from './export/onnx-inference';
import { benchPseudoLabel } from './pseudo-label';

const BENCHES: Record<string, () => Promise<void>> = {
  import: benchImport,
  gallery: benchGallery,
  'frozen-backbone': benchFrozenBackbone,
  'onnx-inference': benchOnnxInference,
  'pseudo-label': benchPseudoLabel,
  'teacher-student': benchTeacherStudent,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  await run();
}
