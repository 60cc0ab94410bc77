import type { Migration } from './types';

/**
 * A model keeps two speeds: images/s of the batch loop (images_per_second, what the engine
 * achieves) and images/s over the whole run (wall_images_per_second: loading the images,
 * validation, checkpoints and evaluation included, what a user waits for). Models trained before
 * this step get the wall figure from their history (each epoch's images = its images/s x seconds)
 * over the run's training_seconds, which was already wall time.
 */
export const wallSpeed: Migration = {
  version: 10,
  name: 'wall-speed',
  up: `
    ALTER TABLE models ADD COLUMN wall_images_per_second REAL;
    UPDATE models SET wall_images_per_second = (
        SELECT NULLIF(SUM(json_extract(value, '$.imagesPerSecond') * json_extract(value, '$.seconds')), 0)
          FROM json_each(models.details, '$.history')
      ) / training_seconds
     WHERE kind = 'trained' AND training_seconds > 0 AND json_valid(details);
  `,
};
