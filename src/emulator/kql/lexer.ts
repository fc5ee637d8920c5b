/** Tokens of the KQL subset (see README "KQL subset"). */

export class KqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KqlError";
  }
}

export type TokenKind = "ident" | "string" | "number" | "timespan" | "op" | "eof";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Numeric value of numbers and timespans (milliseconds). */
  readonly value?: number;
  readonly pos: number;
}

/** Operator names written with a dash. */
const DASHED = new Set(["mv-expand", "project-away", "project-rename", "project-keep", "project-reorder", "make-series", "mv-apply"]);
const OPS = ["==", "!=", "=~", "!~", "<=", ">=", "<>", "|", ",", "(", ")", "[", "]", "{", "}", ".", "=", "<", ">", "*", "+", "-", "/", "%", "!", ":"];
const TIMESPAN_UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, min: 60_000, sec: 1000 };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if ((c === "@" || c === "h" || c === "H") && (src[i + 1] === "'" || src[i + 1] === '"')) {
      const verbatim = c === "@";
      i++;
      out.push(readString(src, i, start, verbatim, (end) => (i = end)));
      continue;
    }
    if (c === "'" || c === '"') {
      out.push(readString(src, i, start, false, (end) => (i = end)));
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9.]/.test(src[j]!)) j++;
      const num = src.slice(i, j);
      const unit = /^(ms|min|sec|d|h|m|s)(?![A-Za-z0-9_])/.exec(src.slice(j));
      if (unit) {
        out.push({ kind: "timespan", text: num + unit[1], value: Number(num) * TIMESPAN_UNITS[unit[1]!]!, pos: start });
        i = j + unit[1]!.length;
      } else {
        out.push({ kind: "number", text: num, value: Number(num), pos: start });
        i = j;
      }
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_$]/.test(src[j]!)) j++;
      let word = src.slice(i, j);
      const dashed = /^-([A-Za-z]+)/.exec(src.slice(j));
      if (dashed && DASHED.has(`${word}-${dashed[1]}`.toLowerCase())) {
        word = `${word}-${dashed[1]}`;
        j += dashed[0].length;
      }
      if (src[j] === "~" && (word === "in" || word === "has_any")) {
        word += "~";
        j++;
      }
      out.push({ kind: "ident", text: word, pos: start });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new KqlError(`Unexpected character '${c}' at position ${i}.`);
    out.push({ kind: "op", text: op, pos: start });
    i += op.length;
  }
  out.push({ kind: "eof", text: "", pos: src.length });
  return out;
}

function readString(src: string, quoteAt: number, start: number, verbatim: boolean, setEnd: (end: number) => void): Token {
  const q = src[quoteAt]!;
  let j = quoteAt + 1;
  let text = "";
  while (j < src.length && src[j] !== q) {
    if (!verbatim && src[j] === "\\" && j + 1 < src.length) {
      const n = src[j + 1]!;
      text += n === "n" ? "\n" : n === "t" ? "\t" : n;
      j += 2;
      continue;
    }
    text += src[j];
    j++;
  }
  if (j >= src.length) throw new KqlError(`Unterminated string literal at position ${start}.`);
  setEnd(j + 1);
  return { kind: "string", text, pos: start };
}
