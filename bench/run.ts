// `npm run bench`: every benchmark, each printing its figures and ratios measured in this run.
// Pick some with `npm run bench -- import gallery`.
import { benchImport } from './import';
import { benchGallery } from './gallery';
import { benchFrozenBackbone } from './frozen-backbone';

const BENCHES: Record<string, () => Promise<void>> = {
  import: benchImport,
  gallery: benchGallery,
  'frozen-backbone': benchFrozenBackbone,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  await run();
}
