/**
 * A second writer for the concurrency test, as the CLI would be beside the app: its own
 * AppService on the same project, relabeling its own images in a loop for a while. Prints one
 * JSON line at the end: how many label writes it made (sum of `updated`), the errors it saw, and
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
process.stdout.write('ready\n');
const end = Date.now() + Number(msText ?? 1000);
for (let i = 0; Date.now() < end; i++) {
  const batch = [ids[i % ids.length]!, ids[(i * 7 + 3) % ids.length]!].filter((v, k, a) => a.indexOf(v) === k);
  const classId = classes[i % classes.length]!;
  const reply = await service.handle('labels.setClass', { imageIds: batch, classId });
  writes++;
  if (reply.ok) {
    updated += (reply.value as { updated: number }).updated;
    for (const id of batch) last[id] = classId;
  } else errors.push(`${reply.error.code}: ${reply.error.message}`);
}
await service.close();
process.stdout.write(`${JSON.stringify({ writes, updated, errors, last })}\n`);
