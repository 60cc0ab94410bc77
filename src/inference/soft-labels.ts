/**
 * From a teacher's class probabilities to what a pseudo-label stores. Probabilities p = softmax(z)
 * are enough to get the soft label at any temperature: softmax(z / T) = p^(1/T) / sum(p^(1/T)),
 * since log p and z differ by a constant per image.
 */
export function soften(probs: ArrayLike<number>, temperature: number): number[] {
  const out = new Array<number>(probs.length);
  let max = -Infinity;
  for (let i = 0; i < probs.length; i++) max = Math.max(max, Math.log(Math.max(probs[i]!, 1e-30)) / temperature);
  let sum = 0;
  for (let i = 0; i < probs.length; i++) sum += out[i] = Math.exp(Math.log(Math.max(probs[i]!, 1e-30)) / temperature - max);
  return out.map((v) => v / sum);
}

/** Shannon entropy in nats: 0 for a sure teacher, log(k) for a uniform one. */
export function entropy(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) h -= p[i]! * Math.log(p[i]!);
  return h;
}

/** Top-1 minus top-2 probability: small when the teacher hesitates between two classes. */
export function margin(p: ArrayLike<number>): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (v > a) [a, b] = [v, a];
    else if (v > b) b = v;
  }
  return a - b;
}

/**
 * Map a teacher's classes onto the project's: as a person chose (`chosen`: teacher class name ->
 * project class id, or null to ignore it), else by name (case-insensitive). Teacher classes with
 * no project class are dropped and the rest renormalized; the result is indexed like the project.
 */
export function classMapping(
  teacherClasses: string[],
  projectClasses: { id: number; name: string }[],
  chosen: Record<string, number | null> | null = null,
): { index: (number | null)[]; unmapped: string[] } {
  const byName = new Map(projectClasses.map((c, i) => [c.name.toLowerCase(), i]));
  const byId = new Map(projectClasses.map((c, i) => [c.id, i]));
  const index = teacherClasses.map((c) => {
    const choice = chosen && Object.prototype.hasOwnProperty.call(chosen, c) ? chosen[c] : undefined;
    if (choice === null) return null;
    // A chosen class removed since falls back to the name, as the model detail shows it.
    return (choice !== undefined ? byId.get(choice) : undefined) ?? byName.get(c.toLowerCase()) ?? null;
  });
  return { index, unmapped: teacherClasses.filter((_, i) => index[i] === null) };
}

export function toProjectOrder(probs: ArrayLike<number>, index: (number | null)[], k: number): number[] | null {
  const out = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    const j = index[i];
    if (j === null || j === undefined) continue;
    out[j]! += probs[i]!;
    total += probs[i]!;
  }
  return total > 0 ? out.map((v) => v / total) : null;
}
