/**
 * Loading an inventory: the envelope, then each list item on its own, so a million machines are
 * checked without building a second copy of them, and each problem is reported with its JSON path.
 */
import type { z } from "zod";
import { ValidationError, issuesFromZod, type ValidationIssue } from "../spec/errors";
import { DocumentError, readDocument } from "../spec/files";
import { plainMachine } from "./fast";
import { INVENTORY_ITEM_SCHEMAS, inventoryEnvelopeSchema, settingsSchema, type Inventory } from "./schema";
import { GUID_PATTERN } from "../spec/patterns";
import { GUID_FORM } from "./shapes";
import { listedAndExcluded, listedSubscriptions, unlistedSettings, unlistedSubscriptions } from "./unlisted";

/** Stop collecting after this many problems: the first ones are what a person fixes first. */
const MAX_ISSUES = 50;

export function parseInventory(input: unknown): Inventory {
  const doc = envelopeOf(input);
  const issues: ValidationIssue[] = [];
  const out: Record<string, unknown> = { ...doc };
  for (const [list, schema] of Object.entries(INVENTORY_ITEM_SCHEMAS)) {
    const items = doc[list as keyof typeof INVENTORY_ITEM_SCHEMAS] as unknown[];
    // The list itself while every item is kept as it is: a million machines need no second list.
    let parsed = items;
    // Machines in the usual shape are kept as they are (fast.ts); the rest go through the schema.
    const plain = list === "machines" ? plainMachine : undefined;
    for (let i = 0; i < items.length && issues.length < MAX_ISSUES; i++) {
      if (plain?.(items[i])) continue;
      const r = schema.safeParse(items[i]);
      if (!r.success) for (const issue of issuesFromZod(r.error, items[i])) issues.push(prefix(`${list}[${i}]`, issue));
      else if (r.data !== items[i]) {
        if (parsed === items) parsed = items.slice();
        parsed[i] = r.data;
      }
    }
    out[list] = parsed;
    if (!issues.length && UNIQUE_LISTS.has(list)) issues.push(...duplicates(list, parsed as { id: string }[]));
  }
  const settings: Record<string, unknown> = {};
  for (const [sub, value] of Object.entries(doc.settings)) {
    if (!GUID_PATTERN.test(sub)) issues.push({ path: `settings.${sub}`, message: `${JSON.stringify(sub)} is not a subscription GUID (${GUID_FORM}): settings are keyed by the subscription they belong to` });
    const r = settingsSchema.safeParse(value);
    if (r.success) settings[sub] = r.data;
    else for (const issue of issuesFromZod(r.error, value)) issues.push(prefix(`settings.${sub}`, issue));
  }
  out.settings = settings;
  // Once every id is of its form (the schema's): an item of an unlisted subscription.
  if (!issues.length) {
    const listed = listedSubscriptions(out.subscriptions as { id: string }[]);
    for (const list of IN_A_SUBSCRIPTION) issues.push(...unlistedSubscriptions(list, out[list] as { id: string }[], listed));
    issues.push(...unlistedSettings(Object.keys(settings), listed), ...listedAndExcluded(doc.excludedSubscriptions ?? [], listed));
  }
  if (issues.length) throw new ValidationError("inventory", issues);
  return out as unknown as Inventory;
}

/**
 * The top level checked by its schema, each list's items left to the loop above: the schema sees an
 * empty list in place of each list, then the lists are put back. Given the lists themselves, zod
 * would walk each item (only to find it `unknown`) and copy every list, a million machines too.
 */
function envelopeOf(input: unknown): z.output<typeof inventoryEnvelopeSchema> {
  const lists: Record<string, unknown[]> = {};
  let shallow = input;
  if (input !== null && typeof input === "object" && !Array.isArray(input)) {
    const fields: Record<string, unknown> = { ...input };
    for (const list of Object.keys(INVENTORY_ITEM_SCHEMAS)) {
      const items = fields[list];
      if (!Array.isArray(items)) continue;
      lists[list] = items;
      fields[list] = [];
    }
    shallow = fields;
  }
  const envelope = inventoryEnvelopeSchema.safeParse(shallow);
  if (!envelope.success) throw new ValidationError("inventory", issuesFromZod(envelope.error, shallow));
  return { ...envelope.data, ...lists };
}

/** Lists whose items are in one of the inventory's subscriptions (workspaces, rules and assignments may be elsewhere: a hub's, a management group's). */
const IN_A_SUBSCRIPTION = ["machines", "clusters"] as const;

/** Lists whose items are resources: each at most once, by id compared as ARM compares it (without case). */
const UNIQUE_LISTS: ReadonlySet<string> = new Set(["subscriptions", "workspaces", "machines", "clusters", "policyAssignments", "dataCollectionRules", "dataCollectionRuleAssociations"]);

/**
 * Items listed twice: a machine copied into the inventory, or the same id in another case
 * (`VM-WEB-02`, `vm-web-02`), would be planned twice; a subscription listed twice with two
 * onboarding dates would make the plan depend on which one wins. Found through a hash of the id
 * folded to lower case, so a million ids cost no million lower-cased copies.
 */
function duplicates(list: string, items: readonly { id: string }[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  // Open addressing over typed arrays (index + 1 per slot, 0 when free; each slot's hash beside
  // it, so only equal hashes read an id): a Map of a million numbers cost more than the hashing.
  const mask = tableSize(items.length) - 1;
  const indexes = new Int32Array(mask + 1);
  const hashes = new Int32Array(mask + 1);
  for (let i = 0; i < items.length && issues.length < MAX_ISSUES; i++) {
    const id = items[i]!.id;
    const h = foldedHash(id);
    let slot = h & mask;
    let twin = -1;
    for (let j = indexes[slot]!; j !== 0; slot = (slot + 1) & mask, j = indexes[slot]!) {
      if (hashes[slot] === h && sameIdIgnoringCase(items[j - 1]!.id, id)) {
        twin = j - 1;
        break;
      }
    }
    if (twin < 0) {
      indexes[slot] = i + 1;
      hashes[slot] = h;
      continue;
    }
    const other = items[twin]!.id;
    issues.push({
      path: `${list}[${i}].id`,
      message: `${JSON.stringify(id)} is listed already as ${list}[${twin}]${other === id ? "" : ` (${JSON.stringify(other)}: ARM ids do not differ by case)`}; each must be listed once`,
    });
  }
  return issues;
}

/** A power of two at least twice `n`: probe chains stay short. */
function tableSize(n: number): number {
  let size = 16;
  while (size < 2 * n) size *= 2;
  return size;
}

function sameIdIgnoringCase(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}

/** Non-ASCII characters as their code (an id already lower-cased), so the hash loop sees ASCII only. */
function asciiOf(text: string): string {
  let out = "";
  for (const ch of text) out += ch.charCodeAt(0) > 127 ? `\\u${ch.codePointAt(0)};` : ch;
  return out;
}

/**
 * A hash of the id with ASCII letters folded to lower case (other letters through toLowerCase),
 * two characters a round. `| 32` folds a letter's case; it also merges a few punctuation pairs
 * (`_` and DEL, `[` and `{`), which only makes their ids compare in full.
 */
function foldedHash(id: string): number {
  let h = 0x811c9dc5;
  let all = 0;
  const last = id.length - 1;
  let i = 0;
  for (; i < last; i += 2) {
    const a = id.charCodeAt(i);
    const b = id.charCodeAt(i + 1);
    all |= a | b;
    h = Math.imul(h ^ ((a | 32) | ((b | 32) << 16)), 16777619);
  }
  if (i === last) {
    const a = id.charCodeAt(i);
    all |= a;
    h = Math.imul(h ^ (a | 32), 16777619);
  }
  if (all > 127) return foldedHash(asciiOf(id.toLowerCase())) ^ 0x15bd1e99;
  h ^= h >>> 15;
  // A small integer (V8 keeps it unboxed): a million map keys without a million heap numbers.
  return h & 0x3fffffff;
}

function prefix(path: string, issue: ValidationIssue): ValidationIssue {
  const joined = issue.path === "" ? path : issue.path.startsWith("[") ? path + issue.path : `${path}.${issue.path}`;
  return { path: joined, message: issue.message };
}

export function loadInventoryFile(path: string): Inventory {
  const doc = readDocument(path);
  try {
    return parseInventory(doc);
  } catch (err) {
    // A hostile nesting depth in a field the schema walks: a message, not a stack overflow.
    if (err instanceof RangeError) throw new DocumentError(`${path} is nested too deeply to read`);
    throw err;
  }
}

export function emptyInventory(): Inventory {
  return {
    version: 1,
    subscriptions: [],
    workspaces: [],
    machines: [],
    clusters: [],
    policyAssignments: [],
    roleAssignments: [],
    remediations: [],
    dataCollectionRules: [],
    dataCollectionRuleAssociations: [],
    settings: {},
  };
}
