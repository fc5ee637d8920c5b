/**
 * Digests of state: JSON with object keys sorted and arrays of objects in a stable order, so equal
 * states digest equally whatever order Azure (or a file) listed their fields in. Called once per
 * machine of a million-machine plan: strings and already-sorted keys take the short way.
 */
import * as crypto from "node:crypto";

/** sha256, hex, as `crypto.hash` makes it in one call where Node has it (no Hash object per digest). */
const sha256: (text: string) => string =
  typeof crypto.hash === "function" ? (text) => crypto.hash("sha256", text, "hex") : (text) => crypto.createHash("sha256").update(text).digest("hex");

export function digestOf(value: unknown): string {
  return sha256(canonical(value)).slice(0, 24);
}

/**
 * `digestOf({ ...value, [key]: parts.join(separator) })`, the same digest, without the joined
 * string (a million machines' fingerprints are ~17 MB): the canonical text around that one string
 * is hashed, and the parts in between in chunks of many parts (a chunk ends between parts, so a
 * surrogate pair is never split across two of the hash's UTF-8 encodings).
 */
export function digestOfJoined(value: Readonly<Record<string, unknown>>, key: string, parts: readonly string[], separator: string): string {
  // Where the joined string's text goes: the first character in which an empty and a one-letter value differ.
  const empty = canonical({ ...value, [key]: "" });
  const one = canonical({ ...value, [key]: "x" });
  let at = 0;
  while (empty[at] === one[at]) at++;
  const hash = crypto.createHash("sha256").update(empty.slice(0, at));
  const sep = escapedText(separator);
  let chunk: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    chunk.push(i ? sep + escapedText(parts[i]!) : escapedText(parts[i]!));
    if (chunk.length === JOIN_CHUNK) {
      hash.update(chunk.join(""));
      chunk = [];
    }
  }
  if (chunk.length) hash.update(chunk.join(""));
  return hash.update(empty.slice(at)).digest("hex").slice(0, 24);
}

/** Parts hashed per `update` call (one call per part would cost more than the hashing). */
const JOIN_CHUNK = 4096;

/** A string's canonical text without its quotes (JSON escapes one character at a time, so pieces escape as their concatenation does). */
function escapedText(text: string): string {
  return PLAIN.test(text) ? text : JSON.stringify(text).slice(1, -1);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** The canonical JSON text of a value (what `digestOf` hashes). */
export function canonical(value: unknown): string {
  if (typeof value === "string") return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let objects = false;
    const items: string[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v && typeof v === "object") objects = true;
      items[i] = canonical(v);
    }
    if (objects) items.sort();
    return `[${items.join(",")}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = sortedKeysOf(object);
  let out = "{";
  for (const k of keys) {
    const v = object[k];
    if (v === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${canonical(k)}:${canonical(v)}`;
  }
  return out + "}";
}

/**
 * How many key lists `sortedKeysOf` remembers: the objects of one inventory come in a few shapes
 * (machines with and without tags, their agents and extensions), each seen a million times.
 */
const KEY_ORDERS = 32;
/** Key lists as Object.keys gave them, and the same keys sorted, slot by slot (filled round robin). */
const listedKeys: (readonly string[])[] = [];
const sortedKeys: (readonly string[])[] = [];
let nextSlot = 0;
let lastHit = 0;

/**
 * An object's own enumerable keys in code-unit order. Objects that list the same keys in the same
 * order (those JSON.parse made from records alike) share one sorted list: a million machines cost
 * a comparison of their key lists (keys from one parse are one string each: a pointer compare), not a sort each.
 */
export function sortedKeysOf(object: object): readonly string[] {
  const keys = Object.keys(object);
  if (sameKeys(listedKeys[lastHit], keys)) return sortedKeys[lastHit]!;
  for (let slot = 0; slot < listedKeys.length; slot++) {
    if (slot !== lastHit && sameKeys(listedKeys[slot], keys)) return sortedKeys[(lastHit = slot)]!;
  }
  const sorted = sortedByCodeUnits(keys) ? keys : keys.slice().sort(byCodeUnits);
  listedKeys[nextSlot] = keys;
  sortedKeys[nextSlot] = sorted;
  lastHit = nextSlot;
  nextSlot = (nextSlot + 1) % KEY_ORDERS;
  return sorted;
}

function sameKeys(known: readonly string[] | undefined, keys: readonly string[]): boolean {
  if (known === undefined || known.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (known[i] !== keys[i]) return false;
  return true;
}

function sortedByCodeUnits(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return true;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A 64-bit fingerprint of a value's canonical JSON (keys in any order, arrays of objects in any
 * order), 16 hex digits, computed while walking the value: no text is built and no Hash object
 * made, so a million machines' fingerprints cost a walk each. For noticing a change, not for
 * security (a saved plan is checked against its spec's sha256 digest for edits). `skipKey` names
 * a top-level field left out (a machine's id, which the basis compares itself).
 */
export function fingerprintOf(value: unknown, skipKey?: string): string {
  fingerprintInto(value, skipKey);
  return hex8(printHigh) + hex8(printLow);
}

/** The last fingerprint `fingerprintInto` made, as its two 32-bit halves (the text is their 16 hex digits). */
let printHigh = 0;
let printLow = 0;

function fingerprintInto(value: unknown, skipKey?: string): void {
  const saved1 = lane1;
  const saved2 = lane2;
  lane1 = 0x811c9dc5;
  lane2 = 0x2545f491;
  feed(value, skipKey);
  printHigh = finish(lane1);
  printLow = finish(lane2 ^ lane1);
  lane1 = saved1;
  lane2 = saved2;
}

let lane1 = 0;
let lane2 = 0;

/** Feeds a string two UTF-16 units a round (half the multiplications of one a round), then a terminator with its length: "ab","c" and "a","bc" differ. */
function feedText(text: string): void {
  let a = lane1;
  let b = lane2;
  const last = text.length - 1;
  let i = 0;
  for (; i < last; i += 2) {
    const c = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  if (i === last) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // The terminator holds the length: "a" and "a\u0000" (one round each) differ.
  feedCode(a, b, 0x1ffff ^ (text.length << 17));
}

/** One code (a tag, a length) into the lanes, outside the range a text's rounds end with. */
function feedCode(a: number, b: number, code: number): void {
  lane1 = Math.imul(a ^ code, 0x01000193);
  b = Math.imul(b ^ code, 0x5bd1e995);
  lane2 = b ^ (b >>> 15);
}

// Tags of a value's kind: their low 17 bits are never a terminator's (0x1ffff).
const STRING = 0x20001;
const NULL = 0x20002;
const TRUE = 0x20003;
const FALSE = 0x20004;
const OPEN_OBJECT = 0x20005;
const CLOSE_OBJECT = 0x20006;
const ARRAY = 0x30000; // plus the length

function feed(value: unknown, skipKey?: string): void {
  switch (typeof value) {
    case "string":
      feedCode(lane1, lane2, STRING);
      feedText(value);
      return;
    case "number":
      feedText(Number.isFinite(value) ? `n${value}` : "null");
      return;
    case "boolean":
      feedCode(lane1, lane2, value ? TRUE : FALSE);
      return;
    case "object":
      break;
    default:
      feedCode(lane1, lane2, NULL);
      return;
  }
  if (value === null) return feedCode(lane1, lane2, NULL);
  if (Array.isArray(value)) return feedArray(value as readonly unknown[]);
  const object = value as Record<string, unknown>;
  const keys = sortedKeysOf(object);
  feedCode(lane1, lane2, OPEN_OBJECT);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = object[k];
    if (v === undefined || k === skipKey) continue;
    feedText(k);
    feed(v);
  }
  feedCode(lane1, lane2, CLOSE_OBJECT);
}

function feedArray(value: readonly unknown[]): void {
  feedCode(lane1, lane2, ARRAY + value.length);
  let objects = false;
  for (let i = 0; i < value.length && !objects; i++) objects = value[i] !== null && typeof value[i] === "object";
  if (!objects) {
    for (let i = 0; i < value.length; i++) feed(value[i] === undefined ? null : value[i]);
    return;
  }
  // Arrays of objects in a stable order, as canonical() sorts them: by each item's fingerprint
  // text, which orders as its two halves do (16 hex digits, fixed width); fed as that text.
  if (value.length === 1) {
    fingerprintInto(value[0]);
    return feedHex(printHigh, printLow);
  }
  const halves = new Array<number>(value.length * 2);
  for (let i = 0; i < value.length; i++) {
    fingerprintInto(value[i]);
    halves[2 * i] = printHigh;
    halves[2 * i + 1] = printLow;
  }
  const order = Array.from({ length: value.length }, (_, i) => i);
  order.sort((x, y) => halves[2 * x]! - halves[2 * y]! || halves[2 * x + 1]! - halves[2 * y + 1]!);
  for (const i of order) feedHex(halves[2 * i]!, halves[2 * i + 1]!);
}

/** Character codes of the hex digits. */
const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** feedText of a fingerprint's 16 hex digits, without making the text: two digits a round, then the terminator for length 16. */
function feedHex(high: number, low: number): void {
  let a = lane1;
  let b = lane2;
  for (let half = 0; half < 2; half++) {
    const n = half === 0 ? high : low;
    for (let shift = 28; shift >= 0; shift -= 8) {
      const c = HEX_CODES[(n >>> shift) & 15]! | (HEX_CODES[(n >>> (shift - 4)) & 15]! << 16);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  feedCode(a, b, 0x1ffff ^ (16 << 17));
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Each byte's two hex digits: a million fingerprints without toString and padStart. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex8(n: number): string {
  return HEX[n >>> 24]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
}
