/**
 * Loading an inventory: the envelope, then each list item on its own, so a million machines are
 * checked without building a second copy of them, and each problem is reported with its JSON path.
 */
import { ValidationError, issuesFromZod, type ValidationIssue } from "../spec/errors";
import { readDocument } from "../spec/files";
import { INVENTORY_ITEM_SCHEMAS, inventoryEnvelopeSchema, settingsSchema, type Inventory } from "./schema";

/** Stop collecting after this many problems: the first ones are what a person fixes first. */
const MAX_ISSUES = 50;

export function parseInventory(input: unknown): Inventory {
  const envelope = inventoryEnvelopeSchema.safeParse(input);
  if (!envelope.success) throw new ValidationError("inventory", issuesFromZod(envelope.error, input));
  const doc = envelope.data;
  const issues: ValidationIssue[] = [];
  const out: Record<string, unknown> = { ...doc };
  for (const [list, schema] of Object.entries(INVENTORY_ITEM_SCHEMAS)) {
    const items = doc[list as keyof typeof INVENTORY_ITEM_SCHEMAS] as unknown[];
    const parsed: unknown[] = new Array(items.length);
    for (let i = 0; i < items.length && issues.length < MAX_ISSUES; i++) {
      const r = schema.safeParse(items[i]);
      if (r.success) parsed[i] = r.data;
      else for (const issue of issuesFromZod(r.error, items[i])) issues.push(prefix(`${list}[${i}]`, issue));
    }
    out[list] = parsed;
  }
  const settings: Record<string, unknown> = {};
  for (const [sub, value] of Object.entries(doc.settings)) {
    const r = settingsSchema.safeParse(value);
    if (r.success) settings[sub] = r.data;
    else for (const issue of issuesFromZod(r.error, value)) issues.push(prefix(`settings.${sub}`, issue));
  }
  out.settings = settings;
  if (issues.length) throw new ValidationError("inventory", issues);
  return out as unknown as Inventory;
}

function prefix(path: string, issue: ValidationIssue): ValidationIssue {
  const joined = issue.path === "" ? path : issue.path.startsWith("[") ? path + issue.path : `${path}.${issue.path}`;
  return { path: joined, message: issue.message };
}

export function loadInventoryFile(path: string): Inventory {
  return parseInventory(readDocument(path));
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
