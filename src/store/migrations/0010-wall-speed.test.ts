import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0010-wall-speed', () => {
  test('adds the wall speed and derives it for models trained before, from their history', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 9) });
    const insert = db.prepare('INSERT INTO models (id, name, arch, kind, path, details, training_seconds, images_per_second) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    // Two epochs of 1,000 images (500 img/s x 2 s each) in a run of 8 s: 250 img/s over the run.
    const history = [1, 2].map((epoch) => ({ epoch, loss: 1, accuracy: 0.5, learningRate: 0.001, imagesPerSecond: 500, seconds: 2 }));
    insert.run('trained', 't', 'small-cnn', 'trained', 'models/t', JSON.stringify({ history }), 8, 500);
    insert.run('teacher', 'i', 'onnx', 'imported', 'models/i', '{}', null, null);
    insert.run('detector', 'd', 'detector', 'trained', 'models/d', JSON.stringify({ history: [{ epoch: 1, imagesPerSecond: 0, seconds: 3 }] }), 3, 40);
    migrate(db, { migrations: MIGRATIONS.slice(0, 10) });
    const rows = db.prepare('SELECT id, wall_images_per_second AS wall FROM models ORDER BY id').all();
    expect(rows).toEqual([{ id: 'detector', wall: null }, { id: 'teacher', wall: null }, { id: 'trained', wall: 250 }]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
