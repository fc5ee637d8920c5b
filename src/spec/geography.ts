/**
 * Geographies of Security Center's default workspaces and Azure region short codes.
 *
 * The FAQ "Where is the default Log Analytics workspace created?" lists geographies, not codes
 * (reference/azure-facts.md §1.1). The codes are those of Microsoft's own default-workspace
 * policy (594c1276, `locationLongNameToShortMap`). A geography's code is the short code of the
 * region its workspace lives in, so "United States" is EUS (eastus) and "Europe" is WEU
 * (westeurope): the names seen on real default workspaces.
 *
 * Rule for a region outside every FAQ geography (e.g. southafricanorth, uaenorth, a new region):
 * it is a geography of its own, its default workspace lives in that very region, and its code is
 * the region's short code. Keeping data in the machine's own region is the conservative reading of
 * the seed's "data privacy requirements", and it is what Defender's later per-region default
 * workspaces do. The planner reports such machines with an info finding.
 */

/** Region (lower-case ARM name) → short code, from policy 594c1276 / 64def556. */
export const REGION_SHORT_CODES: Readonly<Record<string, string>> = Object.freeze({
  australiacentral: "CAU", australiacentral2: "CBR2", australiaeast: "EAU", australiasoutheast: "SEAU",
  brazilsouth: "CQ", brazilsoutheast: "BRSE", canadacentral: "CCA", canadaeast: "YQ", centralindia: "CIN",
  centralus: "CUS", eastasia: "EA", eastus: "EUS", eastus2: "EUS2", eastus2euap: "eus2p", germanynorth: "DEN",
  germanywestcentral: "DEWC", francecentral: "PAR", francesouth: "MRS", israelcentral: "ILC", italynorth: "ITN",
  japaneast: "EJP", japanwest: "OS", jioindiacentral: "JINC", jioindiawest: "JINW", koreacentral: "SE",
  koreasouth: "PS", mexicocentral: "MXC", northcentralus: "NCUS", northeurope: "NEU", norwayeast: "NOE",
  norwaywest: "NOW", polandcentral: "PLC", qatarcentral: "QLC", southafricanorth: "JNB", southafricawest: "CPT",
  southcentralus: "SCUS", southeastasia: "SEA", southindia: "MA", spaincentral: "ESC", swedencentral: "SEC",
  switzerlandnorth: "CHN", switzerlandwest: "CHW", uaecentral: "AUH", uaenorth: "DXB", uksouth: "SUK",
  ukwest: "WUK", westcentralus: "WCUS", westeurope: "WEU", westus: "WUS", westus2: "WUS2", westus3: "USW3",
  usgovvirginia: "USGV", usgovarizona: "USGA", chinaeast3: "NE3", chinanorth3: "NN3", chinaeast2: "E2",
});

/**
 * Short code of a region. Outside the map, policy 594c1276's own fallback: the region name, cut
 * to its first 6 and last 2 characters when longer than 8.
 */
export function regionShortCode(region: string): string {
  const name = normalizeRegion(region);
  const known = REGION_SHORT_CODES[name];
  if (known) return known;
  return name.length > 8 ? name.slice(0, 6) + name.slice(-2) : name;
}

/**
 * Regions Azure opened after 2024-01-01 (Mexico Central, Spain Central, New Zealand North, Indonesia
 * Central, Malaysia West, Chile Central): the Log Analytics agent (MMA/OMS, retired 2024-08-31) was
 * never offered there, so its extension cannot be installed; only the Azure Monitor Agent can.
 */
export const REGIONS_WITHOUT_LEGACY_AGENT: readonly string[] = ["mexicocentral", "spaincentral", "newzealandnorth", "indonesiacentral", "malaysiawest", "chilecentral"];

/** Can the Log Analytics agent's extension be installed in this region? */
export function legacyAgentOffered(region: string): boolean {
  return !REGIONS_WITHOUT_LEGACY_AGENT.includes(normalizeRegion(region));
}

/** "West Europe" and "westeurope" are the same region to ARM. */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}

export interface Geography {
  /** Key, e.g. "europe"; a region outside every geography is its own key, "region:<name>". */
  readonly key: string;
  /** The FAQ's words, e.g. "Europe". */
  readonly displayName: string;
  /** Where the default workspace is created. */
  readonly workspaceLocation: string;
  /** Short code used in DefaultWorkspace-<sub>-<code> and DefaultResourceGroup-<code>. */
  readonly code: string;
  /** True when the region is in none of the FAQ's geographies (see the module comment). */
  readonly ownRegion: boolean;
}

interface GeographyRow {
  readonly key: string;
  readonly displayName: string;
  readonly workspaceLocation: string;
  readonly regions: readonly string[];
}

/** The FAQ's geographies, with the regions each covers. */
export const GEOGRAPHIES: readonly GeographyRow[] = Object.freeze([
  {
    key: "us", displayName: "United States", workspaceLocation: "eastus",
    regions: ["eastus", "eastus2", "eastus2euap", "centralus", "centraluseuap", "northcentralus", "southcentralus",
      "westcentralus", "westus", "westus2", "westus3", "brazilsouth", "brazilsoutheast"],
  },
  { key: "canada", displayName: "Canada", workspaceLocation: "canadacentral", regions: ["canadacentral", "canadaeast"] },
  {
    key: "europe", displayName: "Europe", workspaceLocation: "westeurope",
    regions: ["westeurope", "northeurope", "francecentral", "francesouth", "germanynorth", "germanywestcentral",
      "norwayeast", "norwaywest", "switzerlandnorth", "switzerlandwest", "swedencentral", "swedensouth",
      "polandcentral", "italynorth", "spaincentral", "austriaeast", "belgiumcentral", "denmarkeast"],
  },
  { key: "uk", displayName: "UK", workspaceLocation: "uksouth", regions: ["uksouth", "ukwest"] },
  { key: "asia", displayName: "Asia", workspaceLocation: "southeastasia", regions: ["eastasia", "southeastasia"] },
  { key: "korea", displayName: "Korea", workspaceLocation: "koreacentral", regions: ["koreacentral", "koreasouth"] },
  {
    key: "india", displayName: "India", workspaceLocation: "centralindia",
    regions: ["centralindia", "southindia", "westindia", "jioindiacentral", "jioindiawest"],
  },
  { key: "japan", displayName: "Japan", workspaceLocation: "japaneast", regions: ["japaneast", "japanwest"] },
  {
    key: "china", displayName: "China", workspaceLocation: "chinaeast2",
    regions: ["chinaeast", "chinaeast2", "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3"],
  },
  {
    key: "australia", displayName: "Australia", workspaceLocation: "australiasoutheast",
    regions: ["australiaeast", "australiasoutheast", "australiacentral", "australiacentral2"],
  },
]);

const GEOGRAPHY_BY_REGION: ReadonlyMap<string, GeographyRow> = new Map(
  GEOGRAPHIES.flatMap((g) => g.regions.map((r) => [r, g] as const)),
);

/** The geography whose default workspace serves machines in `region`. */
export function geographyOf(region: string): Geography {
  const name = normalizeRegion(region);
  const row = GEOGRAPHY_BY_REGION.get(name);
  if (row) {
    return {
      key: row.key,
      displayName: row.displayName,
      workspaceLocation: row.workspaceLocation,
      code: regionShortCode(row.workspaceLocation),
      ownRegion: false,
    };
  }
  return { key: `region:${name}`, displayName: name, workspaceLocation: name, code: regionShortCode(name), ownRegion: true };
}

/** The geographies of `regions`, once each, in order of first appearance. */
export function geographiesOf(regions: readonly string[]): Geography[] {
  const seen = new Map<string, Geography>();
  for (const region of regions) {
    const geo = geographyOf(region);
    if (!seen.has(geo.key)) seen.set(geo.key, geo);
  }
  return [...seen.values()];
}

/** Every region this tool knows by name: the short-code map's and the geographies'. */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set([...Object.keys(REGION_SHORT_CODES), ...GEOGRAPHIES.flatMap((g) => g.regions)]);

/** ARM's region names: lower-case letters, then optional digits ("westus3", "eastus2euap"). */
const REGION_NAME = /^[a-z]+[0-9]*[a-z]*$/;

/**
 * Why `region` is not an Azure region name (a message to follow the value), or undefined. A malformed name ("mars-north-9") and a
 * near miss of a known region ("westeurop") are refused; any other well-formed name is accepted,
 * so a region newer than this list still works.
 */
export function regionProblem(region: string): string | undefined {
  const name = normalizeRegion(region);
  if (KNOWN_REGIONS.has(name)) return undefined;
  if (!REGION_NAME.test(name)) return `is not an Azure region name (lower-case letters and digits, e.g. "westeurope")`;
  const near = [...KNOWN_REGIONS].find((known) => editDistance(known, name) <= 2);
  return near ? `is not an Azure region: did you mean "${near}"?` : undefined;
}

/** Levenshtein distance, for the few-character typos of a region name. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
