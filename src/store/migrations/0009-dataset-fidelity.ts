import type Database from 'better-sqlite3';
import { rebuildTable } from './rebuild-table';
import type { Migration } from './types';

const NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

/**
 * What imported datasets carry, kept instead of dropped:
 * - class names are case-sensitive ("Dog" and "dog" are two Label Studio classes), and a class
 *   keeps the id it had in its dataset (`source_id`: a COCO category id), so an export writes it back;
 * - regions may be polylines, key points and RLE masks besides tags, boxes and polygons;
 * - each region keeps its flags and attributes (`attributes`, JSON: VOC difficult/truncated/
 *   occluded, CVAT occluded/z_order/group and named attributes, COCO iscrowd and attributes);
 * - an image may have several human tags (multi-label images, several annotators' choices): one
 *   live tag per class and author; teacher tags stay one per image and source.
 */
function up(db: Database.Database): void {
  rebuildTable(
    db,
    'classes',
    (name) => `CREATE TABLE ${name} (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      color TEXT NOT NULL,
      position INTEGER NOT NULL,
      source_id INTEGER,
      created_at TEXT NOT NULL DEFAULT ${NOW}
    )`,
  );
  rebuildTable(
    db,
    'annotations',
    (name) => `CREATE TABLE ${name} (
      id INTEGER PRIMARY KEY,
      image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      class_id INTEGER REFERENCES classes (id) ON DELETE SET NULL,
      kind TEXT NOT NULL CHECK (kind IN ('tag', 'box', 'polygon', 'polyline', 'points', 'mask')),
      geometry TEXT,
      attributes TEXT,
      source TEXT NOT NULL CHECK (source IN ('human', 'pseudo', 'model')),
      model_id TEXT REFERENCES models (id) ON DELETE SET NULL,
      round INTEGER,
      confidence REAL,
      soft_label TEXT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'corrected')),
      author TEXT,
      created_at TEXT NOT NULL DEFAULT ${NOW},
      updated_at TEXT NOT NULL DEFAULT ${NOW},
      deleted_at TEXT,
      entropy REAL,
      margin REAL,
      temperature REAL
    )`,
    {
      annotations_one_live_tag: `CREATE UNIQUE INDEX annotations_one_live_tag
        ON annotations (image_id, source) WHERE kind = 'tag' AND source != 'human' AND deleted_at IS NULL`,
    },
  );
  db.exec(`CREATE UNIQUE INDEX annotations_human_tags
    ON annotations (image_id, class_id, IFNULL(author, '')) WHERE kind = 'tag' AND source = 'human' AND deleted_at IS NULL`);
}

export const datasetFidelity: Migration = { version: 9, name: 'dataset-fidelity', up, rebuildsTables: true };
