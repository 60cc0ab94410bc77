import { initial } from './0001-initial';
import { modelDetails } from './0002-model-details';
import { pseudoUncertainty } from './0003-pseudo-uncertainty';
import { pseudoStatusIndex } from './0004-pseudo-status-index';
import { shapeEdits } from './0005-shape-edits';
import { pseudoBoxes } from './0006-pseudo-boxes';
import { shapeClassIndex } from './0007-shape-class-index';
import { regionCounts } from './0008-region-counts';
import { datasetFidelity } from './0009-dataset-fidelity';
import { wallSpeed } from './0010-wall-speed';
import type { Migration } from './types';

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [initial, modelDetails, pseudoUncertainty, pseudoStatusIndex, shapeEdits, pseudoBoxes, shapeClassIndex, regionCounts, datasetFidelity, wallSpeed];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
export type { Migration } from './types';
