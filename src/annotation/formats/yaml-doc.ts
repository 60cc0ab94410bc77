/**
 * YAML as the formats read it (a YOLO data.yaml): the whole YAML 1.2 syntax through the `yaml`
 * package (flow and block collections, quoted keys, anchors and aliases, comments, multi-line
 * scalars), plus what the error messages need: each problem with its line, and the line any key
 * or item was written on. Never throws: an unreadable document is `value: undefined` and errors.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export interface YamlProblem {
  line: number;
  reason: string;
}

export interface YamlDoc {
  /** The document as plain values (aliases resolved, map keys as strings); undefined when unreadable. */
  value: unknown;
  errors: YamlProblem[];
  /** The line a key (or a path of keys and list positions) is written on; 0 when unknown. */
  lineOf(...path: (string | number)[]): number;
}

/** Aliases expanded at most this often: a "billion laughs" document is refused, not expanded. */
const MAX_ALIASES = 1000;

export function readYaml(text: string): YamlDoc {
  const counter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 0 : counter.linePos(offset).line);
  const errors: YamlProblem[] = doc.errors.map((e) => ({ line: lineAt(e.pos[0]), reason: e.message }));
  let value: unknown;
  try {
    // What could be read is kept even when part of the document is broken (the parsers keep the valid part).
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    errors.push({ line: 1, reason: (err as Error).message });
  }
  const lineOf = (...path: (string | number)[]): number => {
    let node: unknown = doc.contents;
    let line = 0;
    for (const step of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return line;
        line = lineAt((pair.key as Node).range?.[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        const item = node.items[step] as Node | undefined;
        if (!item) return line;
        line = lineAt(item.range?.[0]);
        node = item;
      } else return line;
    }
    return line;
  };
  return { value, errors, lineOf };
}
