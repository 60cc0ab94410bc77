/**
 * A second writer for the concurrency test, as the CLI would be beside the app: its own
 * AppService on the same project, relabeling its own images in a loop until it reads `stop` on
 * stdin (or after <ms>, a safety stop). It prints `ready`, then `w` after every acknowledged
 * write (so the test can see both writers at work at once, whatever the machine's load), and at
 * the end one JSON line: how many label writes it made (sum of `updated`), the errors it saw, and
 * the last class it gave each image. Run as:
 * node bin/run-ts.js src/reliability/second-writer.ts <projectDir> <imageIds,comma,separated> <ms>
 */
import { AppService } from '../service';

const [dir, idsText, msText] = process.argv.slice(2);
const ids = idsText!.split(',').map(Number);
const service = new AppService({ transport: 'in-process', author: 'second-writer', autoBackupMs: 0, log: () => {} });
const info = await service.invoke('project.open', { dir: dir! });
const classes = info.classes.map((c) => c.id);
const errors: string[] = [];
const last: Record<number, number> = {};
let updated = 0;
let writes = 0;
let stopped = false;
process.stdin.on('data', (d: Buffer) => { if (d.toString().includes('stop')) stopped = true; });
process.stdout.write('ready\n');
const end = Date.now() + Number(msText ?? 30_000);
for (let i = 0; !stopped && Date.now() < end; i++) {
  const batch = [ids[i % ids.length]!, ids[(i * 7 + 3) % ids.length]!].filter((v, k, a) => a.indexOf(v) === k);
  const classId = classes[i % classes.length]!;
  const reply = await service.handle('labels.setClass', { imageIds: batch, classId });
  writes++;
  if (reply.ok) {
    updated += (reply.value as { updated: number }).updated;
    for (const id of batch) last[id] = classId;
    process.stdout.write('w\n');
  } else errors.push(`${reply.error.code}: ${reply.error.message}`);
  // A person or a script between writes: the other process gets its turn at the write lock.
  await new Promise((r) => setTimeout(r, 1));
}
process.stdin.destroy();
await service.close();
process.stdout.write(`${JSON.stringify({ writes, updated, errors, last })}\n`);
