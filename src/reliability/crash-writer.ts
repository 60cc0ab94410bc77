/**
 * A child process for the crash tests: it performs writes on a project (labels, review actions),
 * or region edits (draw a box, move a box), printing an "intent" line before each transaction and the acknowledgement AFTER it committed.
 * The test kills it with SIGKILL at a random moment and then checks that every acknowledged write
 * is in the database (the one write in flight at the kill may or may not have landed). Run as: node bin/run-ts.js src/reliability/crash-writer.ts <projectDir> <mode> <seed>
 */
import { openProject, setHumanClass, applyReview, listClasses, createRegions, updateRegions } from '../store';

const [dir, mode, seedText] = process.argv.slice(2);
const handle = openProject(dir!);
const db = handle.db;
let seed = Number(seedText ?? 1);
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const images = (db.prepare('SELECT id FROM images ORDER BY id').all() as { id: number }[]).map((r) => r.id);
const classes = listClasses(db).map((c) => c.id);
const pseudo = (db.prepare("SELECT id FROM annotations WHERE source = 'pseudo' AND deleted_at IS NULL").all() as { id: number }[]).map((r) => r.id);

const regionsOf = new Map<number, number>(
  (db.prepare("SELECT id, image_id FROM annotations WHERE kind = 'box' AND source = 'human' AND deleted_at IS NULL").all() as { id: number; image_id: number }[]).map((r) => [r.id, r.image_id]),
);

process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  if (mode === 'label') {
    const image = images[Math.floor(rand() * images.length)]!;
    const cls = classes[Math.floor(rand() * classes.length)]!;
    process.stdout.write(`intent label ${image} ${cls}\n`);
    setHumanClass(db, [image], cls, 'crash-test');
    process.stdout.write(`label ${image} ${cls}\n`);
  } else if (mode === 'regions') {
    // Draw a new box, or move one drawn before (the canvas's two commonest edits).
    const x = Math.round(rand() * 500) / 1000;
    const known = [...regionsOf.keys()];
    if (known.length && rand() < 0.5) {
      const id = known[Math.floor(rand() * known.length)]!;
      process.stdout.write(`intent region ${id} ${x}\n`);
      updateRegions(db, regionsOf.get(id)!, [{ id, geometry: { x, y: 0.1, w: 0.2, h: 0.2 } }], 'crash-test');
      process.stdout.write(`region ${id} ${x}\n`);
    } else {
      const image = images[Math.floor(rand() * images.length)]!;
      process.stdout.write(`intent region new ${x}\n`);
      const [id] = createRegions(db, image, [{ classId: classes[0]!, kind: 'box', geometry: { x, y: 0.1, w: 0.2, h: 0.2 } }], 'crash-test');
      regionsOf.set(id!, image);
      process.stdout.write(`region ${id} ${x}\n`);
    }
  } else {
    // Any pseudo-label, whatever its status: the queue would run dry within a run.
    const annotationId = pseudo[Math.floor(rand() * pseudo.length)]!;
    const accept = rand() < 0.5;
    process.stdout.write(`intent review ${annotationId} ${accept ? 'accepted' : 'rejected'}\n`);
    applyReview(db, [annotationId], accept ? { kind: 'accept' } : { kind: 'reject' }, 'crash-test');
    process.stdout.write(`review ${annotationId} ${accept ? 'accepted' : 'rejected'}\n`);
  }
}
