/**
 * The regions the emulator lists (`GET /subscriptions/{s}/locations`): every region the project's
 * region table knows (src/spec/geography.ts), with ARM's display names, and the regions Azure
 * opened after 2024-01-01, where the Log Analytics agent (MMA) was never offered.
 */
import { REGION_SHORT_CODES, REGIONS_WITHOUT_LEGACY_AGENT } from "../../spec/geography";

/** Regions opened after 2024-01-01 (the Log Analytics agent's extension is refused there). */
export const REGIONS_OPENED_AFTER_2024 = REGIONS_WITHOUT_LEGACY_AGENT;

/** The words region names are made of, longest first so that `southeast` wins over `south`. */
const WORDS = [
  "switzerland", "australia", "southeast", "virginia", "arizona", "central", "germany", "mexico", "norway", "poland", "sweden",
  "israel", "brazil", "canada", "france", "africa", "korea", "japan", "india", "italy", "qatar", "spain", "china", "north",
  "south", "europe", "zealand", "indonesia", "malaysia", "chile", "new", "euap", "east", "west", "asia", "jio", "gov", "uae", "us", "uk",
].sort((a, b) => b.length - a.length);
const UPPER = new Set(["us", "uk", "uae", "euap"]);

/** `southafricanorth` → `South Africa North`, `westus3` → `West US 3`. */
export function regionDisplayName(name: string): string {
  const parts: string[] = [];
  let rest = name.toLowerCase();
  while (rest) {
    const digits = /^\d+/.exec(rest);
    if (digits) {
      parts.push(digits[0]);
      rest = rest.slice(digits[0].length);
      continue;
    }
    const word = WORDS.find((w) => rest.startsWith(w));
    if (!word) {
      parts.push(rest);
      break;
    }
    parts.push(UPPER.has(word) ? word.toUpperCase() : word[0]!.toUpperCase() + word.slice(1));
    rest = rest.slice(word.length);
  }
  return parts.join(" ");
}

/** Every region the emulator knows, sorted. */
export const REGIONS: readonly string[] = [...new Set([...Object.keys(REGION_SHORT_CODES), ...REGIONS_OPENED_AFTER_2024])].sort();
