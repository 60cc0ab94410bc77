/** The arch a box student trained in the project is recorded with (light: no tfjs here). */
export const PROJECT_DETECTOR_ARCH = 'detector';
