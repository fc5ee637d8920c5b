/** Randomness: crypto for secrets and ids, a seeded PRNG where determinism matters (fleet, faults). */
import { createHash, randomBytes, randomUUID } from "node:crypto";

export function newGuid(): string {
  return randomUUID();
}

/** A base64 key like Log Analytics shared keys (64 random bytes). */
export function newSharedKey(rng?: Rng): string {
  if (!rng) return randomBytes(64).toString("base64");
  const bytes = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) bytes[i] = Math.floor(rng.next() * 256);
  return bytes.toString("base64");
}

/** GUID derived from a string: stable names for the fleet's subscriptions and resources. */
export function guidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest();
  h[6] = (h[6]! & 0x0f) | 0x40; // version 4 layout so it looks like any other GUID
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** mulberry32: small, fast, good enough for test data and fault sampling. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(items: readonly { readonly weight: number; readonly value: T }[]): T {
    const total = items.reduce((s, i) => s + i.weight, 0);
    let r = this.next() * total;
    for (const item of items) {
      r -= item.weight;
      if (r < 0) return item.value;
    }
    return items[items.length - 1]!.value;
  }
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
