import { seedEventIds } from "../helpers/seed";
import { API_TIER_BY_TIER, COMMON_EVENT_IDS, MINIMAL_EVENT_IDS, eventIdsForTier, tierFromApi } from "../../src/spec/events";

const seedIds = seedEventIds;

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
