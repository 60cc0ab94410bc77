/**
 * A very small WebAssembly assembler: just enough to write a few SIMD kernels by hand and
 * instantiate them against the tfjs wasm backend's own memory, so they read and write tensors in
 * place (see simd-kernels.ts for why). No toolchain (clang/emscripten/wabt) is available to the
 * project, and a few dozen opcodes suffice.
 *
 * Functions take i32 parameters (byte offsets into the shared memory, sizes) and return nothing.
 * Bodies are written with `FunctionBuilder`, whose methods append one instruction each.
 * Opcode numbers follow the WebAssembly 2.0 core spec (SIMD proposal merged).
 */

export type ValueType = 'i32' | 'f32' | 'v128';

const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128, the encoding of WebAssembly's integer immediates. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

/** Appends instructions of one function body. Locals are referred to by index (params first). */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly extraLocals: ValueType[] = [];

  constructor(readonly exportName: string, readonly paramCount: number) {}

  /** Declares a local of the given type; returns its index. */
  local(type: ValueType): number {
    this.extraLocals.push(type);
    return this.paramCount + this.extraLocals.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...immediates);
  }

  // Variables and constants.
  get(index: number): this { return this.op(0x20, ...uleb(index)); }
  set(index: number): this { return this.op(0x21, ...uleb(index)); }
  tee(index: number): this { return this.op(0x22, ...uleb(index)); }
  i32(value: number): this { return this.op(0x41, ...sleb(value)); }
  /** The i32 on the stack read as the bits of an f32 (how f32 arguments reach these i32-only functions). */
  f32ReinterpretI32(): this { return this.op(0xbe); }

  // i32 arithmetic and comparisons.
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  ltS(): this { return this.op(0x48); }
  ltU(): this { return this.op(0x49); }
  and(): this { return this.op(0x71); }
  geS(): this { return this.op(0x4e); }

  // Structured control: block/loop with no result; br_if 0 = leave the block / repeat the loop.
  block(): this { return this.op(0x02, 0x40); }
  /** if (pop() !== 0) { ... } [else { ... }] end */
  if(): this { return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  loop(): this { return this.op(0x03, 0x40); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }

  // SIMD (v128 = four f32 lanes, or four i32 lane masks). Memory operands: align hint 0, offset.
  v128Load(offset = 0): this { return this.simd(0x00, 0, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, 0, ...uleb(offset)); }
  f32x4Splat(): this { return this.simd(0x13); }
  v128Zero(): this { return this.simd(0x0c, ...Array<number>(16).fill(0)); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  v128And(): this { return this.simd(0x4e); }
  /** a & ~b */
  v128AndNot(): this { return this.simd(0x4f); }
  /** (a & mask) | (b & ~mask), operands pushed in the order a, b, mask. */
  v128Bitselect(): this { return this.simd(0x52); }
  f32Const(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.op(0x43, ...bytes);
  }

  /** `for (i = from; i < limit; i += step) body()` over i32 locals; limit and step are locals or constants. */
  forRange(i: number, from: () => void, limit: () => void, step: () => void, body: () => void): this {
    from();
    this.set(i);
    this.block();
    this.get(i); limit(); this.geS(); this.brIf(0);
    this.loop();
    body();
    this.get(i); step(); this.add(); this.tee(i);
    limit(); this.ltS(); this.brIf(0);
    this.end();
    this.end();
    return this;
  }

  /** The body as the code section expects it: local declarations, instructions, end. */
  encode(): number[] {
    const groups: [number, ValueType][] = [];
    for (const type of this.extraLocals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const locals = [...uleb(groups.length), ...groups.flatMap(([count, type]) => [...uleb(count), VALUE_TYPE[type]])];
    const body = [...locals, ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/**
 * A module importing `env.memory` (the memory it works on) and exporting the given functions,
 * each of type (i32 x paramCount) -> ().
 */
export function assembleModule(functions: FunctionBuilder[]): Uint8Array<ArrayBuffer> {
  const arities = [...new Set(functions.map((f) => f.paramCount))];
  const types = section(1, [
    ...uleb(arities.length),
    ...arities.flatMap((n) => [0x60, ...uleb(n), ...Array<number>(n).fill(VALUE_TYPE.i32), 0x00]),
  ]);
  // Memory import without a maximum: compatible with any memory, however far it has grown.
  const imports = section(2, [...uleb(1), ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(0)]);
  const funcs = section(3, [...uleb(functions.length), ...functions.flatMap((f) => uleb(arities.indexOf(f.paramCount)))]);
  const exports = section(7, [
    ...uleb(functions.length),
    ...functions.flatMap((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]),
  ]);
  const code = section(10, [...uleb(functions.length), ...functions.flatMap((f) => f.encode())]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}
