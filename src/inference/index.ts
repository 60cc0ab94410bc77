export { pseudoLabel, type PseudoLabelInput } from './pseudo-label';
export { soften, entropy, margin, classMapping, toProjectOrder } from './soft-labels';
