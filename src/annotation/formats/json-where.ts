/**
 * Where a JSON text stops being JSON, for error messages: V8's JSON.parse does not always say
 * ("Unexpected token ','..."). A small validating scan (RFC 8259) finds the first bad offset.
 */
export function jsonErrorOffset(text: string): number {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail();
      } else i++;
    }
    fail();
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const key = (): void => {
    ws();
    if (text[i] !== '"') fail();
    string();
    ws();
    if (text[i] !== ':') fail();
    i++;
  };
  // Iterative (no recursion: deep nesting cannot overflow the stack).
  const stack: string[] = [];
  try {
    let needValue = true;
    for (;;) {
      ws();
      if (needValue) {
        const c = text[i];
        needValue = false;
        if (c === '{' || c === '[') {
          i++;
          ws();
          const close = c === '{' ? '}' : ']';
          if (text[i] === close) i++;
          else {
            stack.push(close);
            if (c === '{') key();
            needValue = true;
          }
        } else if (c === '"') string();
        else if (c === 't') literal('true');
        else if (c === 'f') literal('false');
        else if (c === 'n') literal('null');
        else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
        else fail();
        continue;
      }
      const close = stack[stack.length - 1];
      if (close === undefined) break;
      if (text[i] === ',') {
        i++;
        if (close === '}') key();
        needValue = true;
      } else if (text[i] === close) {
        i++;
        stack.pop();
      } else fail();
    }
    if (i < n) fail();
    return -1;
  } catch (e) {
    if (e instanceof Stop) return Math.min(i, n);
    throw e;
  }
}
