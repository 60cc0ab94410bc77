/** Path confinement lives in the store floor (store/confine.ts) so every floor uses the one implementation. */
export { isInside, isInsideReal, resolveInside, pathInside } from '../store/confine';
