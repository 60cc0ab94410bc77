/**
 * XML for Pascal VOC and CVAT: a reader on `saxes` (a strict, streaming SAX parser that knows
 * XML 1.0 well-formedness) building a small element tree, and a writer.
 * Handled: a BOM, the XML declaration, attributes, text, CDATA, comments, processing
 * instructions, the five named entities and numeric ones. Refused with line:column and a reason
 * a person can act on: a DOCTYPE (no entity definitions, so no entity expansion attacks),
 * unknown entities, mismatched or unclosed tags, stray content outside the root.
 * Namespaces are not interpreted: a prefixed name is just a name.
 * Positions are 1-based lines and columns (UTF-16 units), pointing at the start of the
 * construct at fault ("<" of a mismatched close tag, "&" of a bad entity), not where saxes noticed.
 */
import { SaxesParser } from 'saxes';

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

const MAX_DEPTH = 256;
/** An "&" that does not start a well-formed reference (outside comments, CDATA and PIs). */
const BAD_AMP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|&(?!(?:[A-Za-z_:][\w.:\-\u00B7\u00C0-\uFFFF]*|#[0-9]+|#x[0-9a-fA-F]+);)/g;

/** Parse a whole document; throws XmlError (and nothing else) on malformed input. */
export function parseXml(input: string): XmlElement {
  const lineStarts: number[] = [0];
  for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const where = (at: number): [number, number] => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, at - lineStarts[lo]! + 1];
  };
  const fail = (reason: string, at: number): never => {
    const [l, c] = where(Math.max(0, Math.min(at, input.length)));
    throw new XmlError(reason, l, c);
  };

  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let tagStart = 0; // offset of the "<" of the tag being read

  parser.on('opentagstart', (tag) => {
    tagStart = Math.max(0, input.lastIndexOf(`<${tag.name}`, parser.position - tag.name.length - 2));
    if (stack.length >= MAX_DEPTH) fail(`elements are nested more than ${MAX_DEPTH} deep`, tagStart);
  });
  parser.on('opentag', (tag) => {
    const [line, column] = where(tagStart);
    const el: XmlElement = { name: tag.name, attrs: new Map(Object.entries(tag.attributes)), children: [], text: '', line, column };
    stack.at(-1)?.children.push(el);
    if (!root) root = el;
    stack.push(el);
  });
  parser.on('closetag', (tag) => {
    // saxes pops the open element before it complains about a mismatch: check here, where we still know it.
    if (!tag.isSelfClosing) {
      const at = input.lastIndexOf('</', parser.position - 1);
      const closing = /^<\/([^\s>]*)/.exec(input.slice(at, at + 1024))?.[1] ?? '';
      const open = stack.at(-1);
      if (open && closing !== open.name) fail(`</${closing}> does not match <${open.name}> opened at line ${open.line}:${open.column}`, at);
    }
    stack.pop();
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('doctype', () => {
    fail('a DOCTYPE is not supported (entity definitions are refused)', input.lastIndexOf('<!DOCTYPE', parser.position));
  });
  parser.on('error', (err) => {
    explain(err.message.replace(/^\d+:\d+: /, ''), parser.position);
  });

  /** Turn a saxes message into a reason at the place a person should look. */
  function explain(message: string, pos: number): never {
    // An "&" that starts no reference makes saxes read on to the next ";" (or the end): name it first.
    BAD_AMP.lastIndex = 0;
    for (let m = BAD_AMP.exec(input); m && m.index < pos; m = BAD_AMP.exec(input)) {
      if (m[0] === '&') fail('an "&" that does not start an entity (write &amp;)', m.index);
    }
    const amp = input.lastIndexOf('&', pos - 1);
    const entity = input.slice(amp, pos);
    if (message.startsWith('undefined entity') || message.startsWith('disallowed character in entity')) fail(`unknown entity "${entity}"`, amp);
    if (message.startsWith('malformed character entity')) fail(`unknown entity "${entity}" (not a character XML allows)`, amp);
    if (message.startsWith('unexpected close tag') || message.startsWith('unmatched closing tag')) {
      const at = input.lastIndexOf('</', pos - 1);
      const closing = /^<\/([^\s>]*)/.exec(input.slice(at, at + 1024))?.[1] ?? '';
      fail(`</${closing}> closes no open element`, at);
    }
    if (message.startsWith('unclosed tag') || message.startsWith('unexpected end')) {
      for (const [open, close, what] of [['<!--', '-->', 'a comment'], ['<![CDATA[', ']]>', 'a CDATA section']] as const) {
        const at = input.lastIndexOf(open);
        if (at >= 0 && input.indexOf(close, at + open.length) < 0) fail(`${what} is not closed (missing "${close}")`, at);
      }
    }
    if (message.startsWith('disallowed character.')) {
      const ch = input[pos - 1] ?? '';
      const shown = ch.charCodeAt(0) < 0x20 ? `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
      fail(ch === '<' ? '"<" inside an attribute value (write &lt;)' : `the character ${shown} is not allowed in XML`, pos - 1);
    }
    if (message.startsWith('unclosed tag')) {
      const open = stack.at(-1)!;
      fail(`<${open.name}> is never closed`, input.lastIndexOf('<', where0(open)));
    }
    if (message.startsWith('duplicate attribute')) {
      const name = message.replace(/^duplicate attribute: /, '').replace(/\.$/, '');
      const tag = input.slice(tagStart, pos);
      const re = new RegExp(`\\s${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=`, 'g');
      re.exec(tag);
      const second = re.exec(tag);
      fail(`duplicate attribute "${name}"`, tagStart + (second ? second.index + 1 : 0));
    }
    if (message.startsWith('unquoted attribute value')) {
      const attr = /([^\s=<]+)\s*=\s*[^\s"'=]*$/.exec(input.slice(tagStart, pos))?.[1];
      fail(`the value of ${attr ? `"${attr}"` : 'an attribute'} must be in quotes`, pos - 1);
    }
    if (message.startsWith('documents may contain only one root')) fail('content after the root element (a document has one root)', tagStart);
    if (message.startsWith('text data outside of root')) {
      fail(root ? 'content after the root element' : 'text before the root element', pos - 1);
    }
    if (message.startsWith('document must contain a root')) fail('the document is empty (no root element)', pos);
    if (message.includes('XML declaration must') || message.includes('xml declaration must')) {
      fail('the XML declaration must come first', input.lastIndexOf('<?', pos - 1));
    }
    if (message.startsWith('the string "]]>"')) fail('"]]>" is not allowed in text', input.lastIndexOf(']]>', pos - 1));
    if (message.startsWith('unexpected end')) fail('the document ends inside a tag, comment or declaration', pos);
    return fail(message.replace(/\.$/, ''), pos - 1);
  }
  /** Offset of an element's start, from its line:column. */
  function where0(el: XmlElement): number {
    return lineStarts[el.line - 1]! + el.column - 1;
  }

  try {
    parser.write(input).close();
  } catch (err) {
    if (err instanceof XmlError) throw err;
    // saxes throws only through our handler; anything else is still a malformed document.
    explain(err instanceof Error ? err.message : String(err), parser.position);
  }
  if (!root) return fail('the document is empty (no root element)', input.length);
  return root;
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
