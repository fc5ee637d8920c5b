import { readFileSync } from "node:fs";
import { join } from "node:path";
import { API_TIER_BY_TIER, COMMON_EVENT_IDS, MINIMAL_EVENT_IDS, eventIdsForTier, tierFromApi } from "../../src/spec/events";

/** The seed document, beside the repository as CI lays it out. */
const SEED = readFileSync(join(__dirname, "../../../shared/seeds/000_c5e44de517447f44.txt"), "utf8");

/** Reads the seed's table rows for a tier: the first row names the tier, continuation rows start with "| |". */
function seedIds(tier: "Minimal" | "Common"): number[] {
  const lines = SEED.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`| ${tier} |`));
  const ids: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (i > start && !/^\|\s*\|/.test(line)) break;
    const cells = line.split("|").slice(2).join(" ");
    for (const m of cells.matchAll(/\d+/g)) ids.push(Number(m[0]));
  }
  return ids;
}

describe("security event tiers", () => {
  it("Minimal is exactly the seed's list, in the seed's order", () => {
    expect(seedIds("Minimal")).toHaveLength(39);
    expect([...MINIMAL_EVENT_IDS]).toEqual(seedIds("Minimal"));
  });

  it("Common is exactly the seed's list, in the seed's order", () => {
    expect(seedIds("Common").length).toBeGreaterThan(100);
    expect([...COMMON_EVENT_IDS]).toEqual(seedIds("Common"));
  });

  it("has no duplicate ids and Minimal is a subset of Common", () => {
    expect(new Set(MINIMAL_EVENT_IDS).size).toBe(MINIMAL_EVENT_IDS.length);
    expect(new Set(COMMON_EVENT_IDS).size).toBe(COMMON_EVENT_IDS.length);
    const common = new Set(COMMON_EVENT_IDS);
    expect(MINIMAL_EVENT_IDS.filter((id) => !common.has(id))).toEqual([]);
  });

  it("maps portal words to the API's (Common is Recommended) and back", () => {
    expect(API_TIER_BY_TIER.Common).toBe("Recommended");
    expect(tierFromApi("Recommended")).toBe("Common");
    expect(tierFromApi("all")).toBe("All");
    expect(tierFromApi("Most")).toBeUndefined();
  });

  it("None stores nothing and All stores everything", () => {
    expect(eventIdsForTier("None")).toEqual([]);
    expect(eventIdsForTier("All")).toBe("all");
    expect(eventIdsForTier("Minimal")).toBe(MINIMAL_EVENT_IDS);
  });
});
