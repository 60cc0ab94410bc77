/**
 * The tiny YAML subset a YOLO `data.yaml` uses (Ultralytics layout): top-level `key: value`
 * pairs whose value is a scalar (plain, 'single' or "double" quoted), a block list (`- a`),
 * a block map of scalars (`0: person`), or a one-line-or-more flow list/map (`[a, b]`,
 * `{0: a, 1: b}`). Comments are allowed. Other keys (e.g. a `download: |` script) are
 * skipped without being interpreted. Anything else is reported with its line number.
 */

export type YamlValue =
  | { kind: 'scalar'; value: string; quoted: boolean; line: number }
  | { kind: 'list'; items: string[]; line: number }
  | { kind: 'map'; entries: [string, string][]; line: number }
  | { kind: 'nested'; line: number };

export class YamlError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'YamlError';
  }
}

interface Line {
  no: number;
  indent: number;
  text: string; // without indentation
}

/** Parse the top level of a document; throws YamlError on what it cannot read. */
export function parseYamlLite(input: string): Map<string, YamlValue> {
  const raw = input.replace(/^\uFEFF/, '').split(/\r?\n/);
  const lines: Line[] = [];
  raw.forEach((l, i) => {
    const m = /^( *)(.*)$/.exec(l)!;
    const text = m[2]!;
    if (text.trim() === '' || text.trimStart().startsWith('#')) {
      lines.push({ no: i + 1, indent: -1, text: '' }); // blank: belongs to any block
      return;
    }
    if (text.startsWith('\t')) throw new YamlError('tabs are not allowed for indentation', i + 1);
    lines.push({ no: i + 1, indent: m[1]!.length, text: text.trimEnd() });
  });

  const out = new Map<string, YamlValue>();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.indent < 0) {
      i++;
      continue;
    }
    if (line.text === '---' || line.text === '...') {
      i++;
      continue;
    }
    if (line.indent !== 0) throw new YamlError('unexpected indentation', line.no);
    const kv = splitKey(line.text, line.no);
    if (!kv) throw new YamlError('expected "key: value"', line.no);
    const [key, rest] = kv;
    if (out.has(key)) throw new YamlError(`duplicate key "${key}"`, line.no);
    i++;
    // The block that belongs to this key: more indented lines, or "- " items at indent 0.
    const block: Line[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      if (l.indent < 0 || l.indent > 0 || (l.indent === 0 && rest === '' && /^-( |$)/.test(l.text))) {
        block.push(l);
        i++;
      } else break;
    }
    while (block.length && block[block.length - 1]!.indent < 0) block.pop();
    out.set(key, value(rest, block, line.no));
  }
  return out;

  function value(rest: string, block: Line[], no: number): YamlValue {
    if (/^[|>][+-]?\d*\s*(#.*)?$/.test(rest)) return { kind: 'nested', line: no };
    if (rest.startsWith('&') || rest.startsWith('*') || rest.startsWith('!')) {
      throw new YamlError('anchors, aliases and tags are not supported', no);
    }
    if (rest.startsWith('[') || rest.startsWith('{')) {
      let text = rest;
      for (const l of block) if (l.indent >= 0) text += ' ' + l.text;
      return flow(text, no);
    }
    if (rest !== '') {
      if (block.some((l) => l.indent >= 0)) {
        // A plain scalar folded over several lines.
        const all = [rest, ...block.filter((l) => l.indent >= 0).map((l) => l.text)].join(' ');
        return { kind: 'scalar', ...scalar(all, no, false), line: no };
      }
      return { kind: 'scalar', ...scalar(rest, no, false), line: no };
    }
    const body = block.filter((l) => l.indent >= 0);
    if (body.length === 0) return { kind: 'scalar', value: '', quoted: false, line: no };
    const indent = body[0]!.indent;
    if (/^-( |$)/.test(body[0]!.text)) {
      const items: string[] = [];
      for (const l of body) {
        if (l.indent > indent) return { kind: 'nested', line: no };
        if (l.indent < indent || !/^-( |$)/.test(l.text)) throw new YamlError('expected a "- item" of the list', l.no);
        const item = l.text.slice(1).trim();
        if (item.startsWith('[') || item.startsWith('{') || splitKey(item, l.no)) return { kind: 'nested', line: no };
        items.push(scalar(item, l.no, false).value);
      }
      return { kind: 'list', items, line: no };
    }
    const entries: [string, string][] = [];
    for (const l of body) {
      if (l.indent !== indent) return { kind: 'nested', line: no };
      const kv = splitKey(l.text, l.no);
      if (!kv) throw new YamlError('expected "key: value"', l.no);
      if (kv[1] === '' || kv[1].startsWith('[') || kv[1].startsWith('{') || /^[|>]/.test(kv[1])) {
        return { kind: 'nested', line: no };
      }
      entries.push([kv[0], scalar(kv[1], l.no, false).value]);
    }
    return { kind: 'map', entries, line: no };
  }
}

/** "key: rest" -> [key, rest]; the key may be quoted. Undefined when the line is not a pair. */
function splitKey(text: string, no: number): [string, string] | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const s = quoted(text, 0, no);
    const after = text.slice(s.end);
    const m = /^\s*:(?:\s+|$)(.*)$/.exec(after);
    if (!m) return undefined;
    return [s.value, stripComment(m[1]!)];
  }
  const m = /^([^:#\s][^:#]*?)\s*:(?:\s+(.*)|$)$/.exec(text);
  if (!m) return undefined;
  return [m[1]!, stripComment(m[2] ?? '')];
}

function stripComment(s: string): string {
  if (s.startsWith('"') || s.startsWith("'")) return s.trim();
  const hash = s.search(/(^|\s)#/);
  return (hash >= 0 ? s.slice(0, hash) : s).trim();
}

function scalar(text: string, no: number, inFlow: boolean): { value: string; quoted: boolean } {
  const t = text.trim();
  if (t.startsWith('"') || t.startsWith("'")) {
    const s = quoted(t, 0, no);
    const after = t.slice(s.end).trim();
    if (after !== '' && !after.startsWith('#')) throw new YamlError(`unexpected "${after}" after a quoted value`, no);
    return { value: s.value, quoted: true };
  }
  const v = stripComment(t);
  if (!inFlow && /^[[\]{}]/.test(v)) throw new YamlError(`cannot read the value "${v}"`, no);
  if (v.startsWith('&') || v.startsWith('*') || v.startsWith('!')) {
    throw new YamlError('anchors, aliases and tags are not supported', no);
  }
  return { value: v, quoted: false };
}

function quoted(text: string, start: number, no: number): { value: string; end: number } {
  const q = text[start]!;
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (q === "'") {
      if (ch === "'") {
        if (text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        return { value: out, end: i + 1 };
      }
      out += ch;
      i++;
      continue;
    }
    if (ch === '"') return { value: out, end: i + 1 };
    if (ch === '\\') {
      const e = text[i + 1];
      const simple: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ', b: '\b', f: '\f' };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        i += 2;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = text.slice(i + 2, i + 2 + len);
      if (len && hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new YamlError(`bad escape "\\${e}${hex}"`, no);
        out += String.fromCodePoint(cp);
        i += 2 + len;
        continue;
      }
      throw new YamlError(`bad escape "\\${e ?? ''}" in a quoted value`, no);
    }
    out += ch;
    i++;
  }
  throw new YamlError('a quoted value is not closed', no);
}

/** A flow list `[a, 'b c']` or flow map `{0: a, 1: b}` of scalars. */
function flow(text: string, no: number): YamlValue {
  const open = text[0]!;
  const close = open === '[' ? ']' : '}';
  const parts: string[] = [];
  let i = 1;
  let cur = '';
  let closed = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const s = quoted(text, i, no);
      cur += text.slice(i, s.end);
      i = s.end;
      continue;
    }
    if (ch === '[' || ch === '{') return { kind: 'nested', line: no };
    if (ch === close) {
      closed = true;
      i++;
      break;
    }
    if (ch === ']' || ch === '}') throw new YamlError(`"${ch}" does not match "${open}"`, no);
    if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
    i++;
  }
  if (!closed) throw new YamlError(`"${open}" is not closed`, no);
  const after = text.slice(i).trim();
  if (after !== '' && !after.startsWith('#')) throw new YamlError(`unexpected "${after}" after "${close}"`, no);
  if (cur.trim() !== '') parts.push(cur);
  else if (parts.length > 0) {
    // a trailing comma is allowed: [a, b,]
  }
  if (open === '[') return { kind: 'list', items: parts.map((p) => flowScalar(p, no)), line: no };
  const entries: [string, string][] = parts.map((p) => {
    const kv = splitKey(p.trim(), no);
    if (!kv) throw new YamlError(`expected "key: value" in "{...}", got "${p.trim()}"`, no);
    return [kv[0], flowScalar(kv[1], no)];
  });
  return { kind: 'map', entries, line: no };
}

function flowScalar(p: string, no: number): string {
  const t = p.trim();
  if (t === '') throw new YamlError('an empty item in a flow list', no);
  return scalar(t, no, true).value;
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
export function yamlString(s: string): string {
  return JSON.stringify(s);
}
