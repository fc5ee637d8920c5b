/** The seed document (beside the repository, as CI lays it out) and its event-ID tables. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const SEED = readFileSync(join(__dirname, "../../../shared/seeds/000_c5e44de517447f44.txt"), "utf8");

/** Reads the seed's table rows for a tier: the first row names the tier, continuation rows start with "| |". */
export function seedEventIds(tier: "Minimal" | "Common"): number[] {
  const lines = SEED.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`| ${tier} |`));
  const ids: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (i > start && !/^\|\s*\|/.test(line)) break;
    for (const m of line.split("|").slice(2).join(" ").matchAll(/\d+/g)) ids.push(Number(m[0]));
  }
  return ids;
}
