/**
 * A small, strict XML reader and writer: just what Pascal VOC and CVAT files need.
 * Supported: one root element, attributes (quoted, no duplicates), text, CDATA, comments,
 * processing instructions (the XML declaration), the five named entities and numeric ones.
 * Refused (with line:column): a DOCTYPE (no entity definitions, so no entity expansion
 * attacks), unknown entities, mismatched tags, stray text outside the root, bad names.
 * Namespaces are not interpreted: a prefixed name is just a name.
 */

export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  /** Text directly inside this element (all text runs and CDATA joined). */
  text: string;
  line: number;
  column: number;
}

export class XmlError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}:${column}: ${reason}`);
    this.name = 'XmlError';
  }
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;
const MAX_DEPTH = 256;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parse a whole document; throws XmlError (and nothing else) on malformed input. */
export function parseXml(input: string): XmlElement {
  let pos = input.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lineStarts: number[] = [0];
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) === 10) lineStarts.push(i + 1);

  function where(at: number): [number, number] {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, at - lineStarts[lo]! + 1];
  }
  function fail(reason: string, at = pos): never {
    const [l, c] = where(at);
    throw new XmlError(reason, l, c);
  }
  function startsWith(s: string): boolean {
    return input.startsWith(s, pos);
  }
  function skipSpace(): void {
    while (pos < input.length && /\s/.test(input[pos]!)) pos++;
  }
  function readName(): string {
    const start = pos;
    if (pos >= input.length || !NAME_START.test(input[pos]!)) fail('expected a name');
    pos++;
    while (pos < input.length && NAME_CHAR.test(input[pos]!)) pos++;
    return input.slice(start, pos);
  }
  function decode(raw: string, at: number): string {
    if (!raw.includes('&')) return raw;
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) {
        out += raw.slice(i);
        break;
      }
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      if (semi < 0 || semi - amp > 12) fail('an "&" that does not start an entity (write &amp;)', at + amp);
      const ent = raw.slice(amp + 1, semi);
      let ch: string | undefined;
      if (ent.startsWith('#x') || ent.startsWith('#X')) {
        ch = codePoint(/^[0-9a-fA-F]+$/.test(ent.slice(2)) ? parseInt(ent.slice(2), 16) : NaN);
      } else if (ent.startsWith('#')) {
        ch = codePoint(/^[0-9]+$/.test(ent.slice(1)) ? parseInt(ent.slice(1), 10) : NaN);
      } else ch = NAMED_ENTITIES[ent];
      if (ch === undefined) fail(`unknown entity "&${ent};"`, at + amp);
      out += ch;
      i = semi + 1;
    }
    return out;
  }
  function skipMisc(): void {
    for (;;) {
      skipSpace();
      if (startsWith('<!--')) comment();
      else if (startsWith('<?')) pi();
      else return;
    }
  }
  function comment(): void {
    const end = input.indexOf('-->', pos + 4);
    if (end < 0) fail('a comment is not closed (missing "-->")');
    pos = end + 3;
  }
  function pi(): void {
    const start = pos;
    pos += 2;
    const target = readName();
    if (target.toLowerCase() === 'xml' && start !== (input.charCodeAt(0) === 0xfeff ? 1 : 0)) {
      fail('the XML declaration must come first', start);
    }
    const end = input.indexOf('?>', pos);
    if (end < 0) fail('a processing instruction is not closed (missing "?>")', start);
    pos = end + 2;
  }

  function element(depth: number): XmlElement {
    const start = pos;
    if (depth > MAX_DEPTH) fail(`elements are nested more than ${MAX_DEPTH} deep`);
    pos++; // '<'
    const name = readName();
    const [line, column] = where(start);
    const el: XmlElement = { name, attrs: new Map(), children: [], text: '', line, column };
    for (;;) {
      const before = pos;
      skipSpace();
      if (pos >= input.length) fail(`the tag <${name}> is not closed`, start);
      if (startsWith('/>')) {
        pos += 2;
        return el;
      }
      if (input[pos] === '>') {
        pos++;
        break;
      }
      if (before === pos) fail(`expected a space, ">" or "/>" in <${name}>`);
      const attrAt = pos;
      const attr = readName();
      skipSpace();
      if (input[pos] !== '=') fail(`attribute "${attr}" has no value (expected =)`);
      pos++;
      skipSpace();
      const quote = input[pos];
      if (quote !== '"' && quote !== "'") fail(`the value of "${attr}" must be in quotes`);
      const end = input.indexOf(quote, pos + 1);
      if (end < 0) fail(`the value of "${attr}" is not closed`);
      const raw = input.slice(pos + 1, end);
      if (raw.includes('<')) fail(`"<" inside the value of "${attr}" (write &lt;)`, pos + 1 + raw.indexOf('<'));
      if (el.attrs.has(attr)) fail(`duplicate attribute "${attr}"`, attrAt);
      el.attrs.set(attr, decode(raw.replace(/[\t\n\r]/g, ' '), pos + 1)); // literal whitespace -> space; &#10; stays
      pos = end + 1;
    }
    // content
    let text = '';
    for (;;) {
      if (pos >= input.length) fail(`<${name}> is never closed`, start);
      const lt = input.indexOf('<', pos);
      if (lt < 0) {
        pos = input.length;
        fail(`<${name}> is never closed`, start);
      }
      if (lt > pos) {
        const raw = input.slice(pos, lt);
        const bad = raw.indexOf(']]>');
        if (bad >= 0) fail('"]]>" is not allowed in text', pos + bad);
        text += decode(raw, pos);
        pos = lt;
      }
      if (startsWith('</')) {
        const closeAt = pos;
        pos += 2;
        const closing = readName();
        skipSpace();
        if (input[pos] !== '>') fail(`expected ">" to close </${closing}>`);
        pos++;
        if (closing !== name) fail(`</${closing}> does not match <${name}> opened at line ${line}:${column}`, closeAt);
        el.text = text;
        return el;
      }
      if (startsWith('<!--')) comment();
      else if (startsWith('<![CDATA[')) {
        const end = input.indexOf(']]>', pos + 9);
        if (end < 0) fail('a CDATA section is not closed (missing "]]>")');
        text += input.slice(pos + 9, end);
        pos = end + 3;
      } else if (startsWith('<?')) pi();
      else if (startsWith('<!')) fail('declarations (DOCTYPE, ENTITY) are not supported');
      else el.children.push(element(depth + 1));
    }
  }

  skipMisc();
  if (startsWith('<!DOCTYPE') || startsWith('<!')) fail('a DOCTYPE is not supported');
  if (pos >= input.length) fail('the document is empty (no root element)');
  if (input[pos] !== '<') fail('expected the root element');
  const root = element(0);
  skipMisc();
  if (pos < input.length) fail('content after the root element');
  return root;
}

function codePoint(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
  return String.fromCodePoint(n);
}

// ---------------------------------------------------------------------------------------------
// Helpers for readers

export function childElements(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** Trimmed text of a child element, undefined when the child is missing. */
export function childText(el: XmlElement, name: string): string | undefined {
  const c = childElement(el, name);
  return c ? c.text.trim() : undefined;
}

export function at(el: XmlElement): string {
  return `line ${el.line}:${el.column}`;
}

// ---------------------------------------------------------------------------------------------
// Writer

/** A node to write: an element with attributes and children, or a text leaf. */
export interface XmlOut {
  name: string;
  attrs?: [string, string][];
  children?: XmlOut[];
  text?: string;
}

export function escapeXml(s: string, attribute = false): string {
  let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (attribute) out = out.replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
  // Control characters are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  return out.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

/** Write a document with the XML declaration and two-space indentation. */
export function writeXml(root: XmlOut): string {
  const lines: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  const walk = (n: XmlOut, depth: number): void => {
    const pad = '  '.repeat(depth);
    const attrs = (n.attrs ?? []).map(([k, v]) => ` ${k}="${escapeXml(v, true)}"`).join('');
    const kids = n.children ?? [];
    if (kids.length === 0) {
      if (n.text === undefined || n.text === '') lines.push(`${pad}<${n.name}${attrs}/>`);
      else lines.push(`${pad}<${n.name}${attrs}>${escapeXml(n.text)}</${n.name}>`);
      return;
    }
    lines.push(`${pad}<${n.name}${attrs}>`);
    for (const k of kids) walk(k, depth + 1);
    lines.push(`${pad}</${n.name}>`);
  };
  walk(root, 0);
  return lines.join('\n') + '\n';
}
