/**
 * A COCO JSON file read as a token stream (stream-json's tokenizer), so a file of hundreds of MB
 * never exists as one string or one parsed tree: each element of `images`, `annotations` and
 * `categories` is assembled alone, handed to the builder (coco-build.ts) and dropped; every other
 * top-level key (`info`, `licenses`...) is skipped token by token. Memory is the model plus one
 * element plus one read chunk (bench/coco-memory.ts: a 200 MB file peaks ~120 MB above the model it
 * yields, where JSON.parse of the whole text peaks ~510 MB above it).
 */
import { createReadStream } from 'node:fs';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import Assembler from 'stream-json/core/assembler.js';
import { COCO_LISTS, type CocoBuilder, type CocoList } from './coco-build';

/** Thrown inside the token loop to stop at a document that is not a COCO object. */
class NotCoco extends Error {}
/** The tokenizer's own failure (bad JSON), told apart from a failing read. */
class BadJson extends Error {}

/**
 * stream-chain's protocol, which the tokenizer speaks: "no more input" is the registered symbol
 * below, and several tokens come back as `{ values }` (stream-chain itself is not our dependency).
 */
const END_OF_INPUT = Symbol.for('object-stream.none');

/** Feeds the tokens of one document into the builder. */
class TokenRouter {
  private depth = 0; // containers open in the document, the top object included
  private key: string | undefined;
  private list: CocoList | undefined; // the list whose elements are being read
  private index = 0;
  private skip = 0; // depth of a value being skipped
  private asm = new Assembler();

  constructor(private readonly builder: CocoBuilder) {}

  token(t: Token): void {
    if (this.list) return this.inList(t);
    if (this.skip > 0) {
      if (t.name === 'startObject' || t.name === 'startArray') this.skip++;
      else if (t.name === 'endObject' || t.name === 'endArray') this.skip--;
      return;
    }
    if (this.depth === 0) {
      if (t.name !== 'startObject') throw new NotCoco();
      this.depth = 1;
      return;
    }
    if (t.name === 'keyValue') {
      this.key = t.value;
      return;
    }
    if (t.name === 'endObject') {
      this.depth = 0;
      return;
    }
    const list = COCO_LISTS.find((l) => l === this.key);
    if (list && t.name === 'startArray') {
      this.list = list;
      this.index = 0;
      this.builder.startList(list);
      return;
    }
    if (list && t.name !== 'nullValue') this.builder.notList(list);
    if (t.name === 'startObject' || t.name === 'startArray') this.skip = 1;
  }

  private inList(t: Token): void {
    if (t.name === 'endArray' && this.asm.done) {
      this.builder.endList(this.list!);
      this.list = undefined;
      return;
    }
    this.asm.consume(t);
    if (this.asm.done) {
      this.builder.element(this.list!, this.asm.current, this.index++);
      this.asm.current = null;
    }
  }
}

export type StreamOutcome = { ok: true } | { ok: false; reason: string; where: string };

/**
 * Read `path` into `builder`. On a failure the builder holds a partial dataset the caller must drop;
 * a syntax error says where as the line range of the chunk that failed (the tokenizer gives no offset).
 */
// 64 KB reads: a chunk's tokens (one object per number) then die young; with 1 MB reads they
// outlived the young generation and a 200 MB file peaked 550 MB higher (bench/coco-memory.ts).
export async function streamCocoFile(path: string, builder: CocoBuilder, chunkSize = 64 << 10): Promise<StreamOutcome> {
  const parse = jsonParser({ packValues: true, streamValues: false }) as unknown as (chunk: string | symbol) => unknown;
  const router = new TokenRouter(builder);
  let lines = 1;
  let chunk = '';
  const feed = (text: string | symbol): void => {
    let out: unknown;
    try {
      out = parse(text);
    } catch (err) {
      throw new BadJson((err as Error).message);
    }
    const tokens = (out as { values?: Token[] } | undefined)?.values;
    if (Array.isArray(tokens)) for (const t of tokens) router.token(t);
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: chunkSize });
  let first = true;
  try {
    for await (const part of stream as AsyncIterable<string>) {
      chunk = first ? part.replace(/^\uFEFF/, '') : part;
      first = false;
      feed(chunk);
      lines += countLines(chunk);
      chunk = '';
    }
    feed(END_OF_INPUT);
    return { ok: true };
  } catch (err) {
    stream.destroy();
    if (err instanceof NotCoco) {
      builder.fail('a COCO file is a JSON object with images, categories and annotations');
      return { ok: true };
    }
    if (err instanceof BadJson) {
      const end = lines + countLines(chunk);
      const where = chunk === '' ? `line ${lines}` : `lines ${lines}-${end}`;
      const what = chunk === '' ? 'the text ends too early' : err.message.replace(/^Parser cannot parse input: /, '');
      return { ok: false, reason: `not valid JSON: ${what}`, where };
    }
    return { ok: false, reason: `cannot read the file: ${(err as Error).message}`, where: '' };
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
