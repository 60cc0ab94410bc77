// The export rows live in the store (it owns the SQL); the formats keep importing them from here.
export { labeledImages, type IncludeSource, type LabeledImage } from '../store';
