/**
 * The seed's Windows security-event tiers as an Azure Monitor data collection rule (DCR): the
 * xPath queries of its Windows event log data source, a parser that reads queries back into the
 * (channel, event ID) pairs they select, and the DCR's ARM body. Pure; the planner, the executor
 * and the Pulumi component all build DCRs with `dataCollectionRuleBody`.
 *
 * Channels. The seed's table is "the Security and App Locker event IDs". 8001-8007 are AppLocker
 * events, which Windows writes to the AppLocker channels, not to Security (8001-8004 to
 * "EXE and DLL", 8005-8007 to "MSI and Script"; the Microsoft-Windows-AppLocker provider
 * manifest), and AMA reads channels: on the Security channel those IDs select nothing. Every other
 * ID, 8222 included (Security event 8222, "Shadow copy has been created"), stays on Security, as
 * in the Minimal set of Microsoft Sentinel's "Windows Security Events via AMA" connector. Each ID
 * is selected on exactly one channel.
 *
 * Splitting. One query holds at most MAX_EVENT_IDS_PER_QUERY IDs. Windows Event Log needs a
 * structured query once a plain XPath has more than 20 expressions ("Consuming Events", Windows
 * Event Log docs); 15 stays under that and matches the Sentinel connector's own chunks, and keeps
 * each query under 300 characters.
 */
import { COMMON_EVENT_IDS, MINIMAL_EVENT_IDS, type SecurityEventTier } from "./events";

export const SECURITY_CHANNEL = "Security";
export const APPLOCKER_EXE_DLL_CHANNEL = "Microsoft-Windows-AppLocker/EXE and DLL";
export const APPLOCKER_MSI_SCRIPT_CHANNEL = "Microsoft-Windows-AppLocker/MSI and Script";
/** Channel order in generated queries. */
export const SECURITY_EVENT_CHANNELS = [SECURITY_CHANNEL, APPLOCKER_EXE_DLL_CHANNEL, APPLOCKER_MSI_SCRIPT_CHANNEL] as const;

export const MAX_EVENT_IDS_PER_QUERY = 15;

/** The DCR stream that lands in the workspace's SecurityEvent table. */
export const SECURITY_EVENT_STREAM = "Microsoft-SecurityEvent";
/** Names inside the DCR body (unique per rule). */
export const DCR_DATA_SOURCE_NAME = "securityEvents";
export const DCR_DESTINATION_NAME = "workspace";

/** The channel Windows writes a seed event ID to. */
export function channelOfEventId(eventId: number): string {
  if (eventId >= 8001 && eventId <= 8004) return APPLOCKER_EXE_DLL_CHANNEL;
  if (eventId >= 8005 && eventId <= 8007) return APPLOCKER_MSI_SCRIPT_CHANNEL;
  return SECURITY_CHANNEL;
}

const queriesByTier = new Map<SecurityEventTier, readonly string[]>();

/** The xPath queries that select a tier: none for None, every event of each channel for All. */
export function xPathQueriesForTier(tier: SecurityEventTier): readonly string[] {
  let queries = queriesByTier.get(tier);
  if (!queries) queriesByTier.set(tier, (queries = Object.freeze(buildQueries(tier))));
  return queries;
}

function buildQueries(tier: SecurityEventTier): string[] {
  switch (tier) {
    case "None":
      return [];
    case "All":
      // All stays a superset of Common and Minimal, which hold AppLocker events.
      return SECURITY_EVENT_CHANNELS.map((channel) => `${channel}!*`);
    case "Minimal":
      return idQueries(MINIMAL_EVENT_IDS);
    case "Common":
      return idQueries(COMMON_EVENT_IDS);
  }
}

function idQueries(ids: readonly number[]): string[] {
  const out: string[] = [];
  for (const channel of SECURITY_EVENT_CHANNELS) {
    const mine = ids.filter((id) => channelOfEventId(id) === channel).sort((a, b) => a - b);
    for (let i = 0; i < mine.length; i += MAX_EVENT_IDS_PER_QUERY) {
      const terms = mine.slice(i, i + MAX_EVENT_IDS_PER_QUERY).map((id) => `(EventID=${id})`);
      out.push(`${channel}!*[System[${terms.join(" or ")}]]`);
    }
  }
  return out;
}

/** What a list of queries selects: whole channels, and event IDs per channel. */
export interface EventSelection {
  /** Channels of which every event is selected. */
  readonly allOf: ReadonlySet<string>;
  /** Selected event IDs by channel (channels in `allOf` are not repeated here). */
  readonly ids: ReadonlyMap<string, ReadonlySet<number>>;
}

export class XPathQueryError extends Error {
  constructor(readonly query: string, reason: string) {
    super(`unsupported xPath query "${query}": ${reason}`);
    this.name = "XPathQueryError";
  }
}

const KNOWN_CHANNELS = new Map(SECURITY_EVENT_CHANNELS.map((c) => [c.toLowerCase(), c] as const));
const EVENT_ID_FILTER = /^\*\s*\[\s*System\s*\[(.*)\]\s*\]$/s;
const EVENT_ID_TERM = /^\(?\s*EventID\s*=\s*(\d+)\s*\)?$/;

/**
 * Reads queries of the forms this module writes (and the same with other spacing or without the
 * parentheses): `Channel!*` and `Channel!*[System[(EventID=N) or (EventID=M) ...]]`. Anything else
 * (levels, ranges, `and`) throws XPathQueryError: such a rule is not one of the seed's tiers.
 */
export function parseXPathQueries(queries: readonly string[]): EventSelection {
  const allOf = new Set<string>();
  const ids = new Map<string, Set<number>>();
  for (const query of queries) {
    const bang = query.indexOf("!");
    if (bang <= 0) throw new XPathQueryError(query, 'expected "<channel>!<xPath>"');
    const rawChannel = query.slice(0, bang).trim();
    const channel = KNOWN_CHANNELS.get(rawChannel.toLowerCase()) ?? rawChannel;
    const path = query.slice(bang + 1).trim();
    if (path === "*") {
      allOf.add(channel);
      continue;
    }
    const filter = EVENT_ID_FILTER.exec(path);
    if (!filter) throw new XPathQueryError(query, "expected * or *[System[(EventID=N) or ...]]");
    let set = ids.get(channel);
    if (!set) ids.set(channel, (set = new Set()));
    for (const term of filter[1]!.split(/\s+or\s+/)) {
      const m = EVENT_ID_TERM.exec(term.trim());
      if (!m) throw new XPathQueryError(query, `"${term.trim()}" is not an EventID=N term`);
      set.add(Number(m[1]));
    }
  }
  for (const channel of allOf) ids.delete(channel);
  return { allOf, ids };
}

/** The seed tier a rule's queries select exactly, or undefined (custom queries, or unreadable ones). */
export function tierOfXPathQueries(queries: readonly string[]): SecurityEventTier | undefined {
  let selection: EventSelection;
  try {
    selection = parseXPathQueries(queries);
  } catch (e) {
    if (e instanceof XPathQueryError) return undefined;
    throw e;
  }
  for (const tier of ["None", "Minimal", "Common", "All"] as const) {
    if (sameSelection(selection, selectionOfTier(tier))) return tier;
  }
  return undefined;
}

const selectionByTier = new Map<SecurityEventTier, EventSelection>();

function selectionOfTier(tier: SecurityEventTier): EventSelection {
  let selection = selectionByTier.get(tier);
  if (!selection) selectionByTier.set(tier, (selection = parseXPathQueries(xPathQueriesForTier(tier))));
  return selection;
}

export function sameSelection(a: EventSelection, b: EventSelection): boolean {
  if (a.allOf.size !== b.allOf.size || [...a.allOf].some((c) => !b.allOf.has(c))) return false;
  const channels = new Set([...a.ids.keys(), ...b.ids.keys()]);
  for (const channel of channels) {
    const x = a.ids.get(channel) ?? new Set<number>();
    const y = b.ids.get(channel) ?? new Set<number>();
    if (x.size !== y.size || [...x].some((id) => !y.has(id))) return false;
  }
  return true;
}

// ---- names and ids ----------------------------------------------------------------------------

/** Prefix of the DCRs this tool creates. */
export const DCR_NAME_PREFIX = "asc-";
/** DCR names longer than this are shortened (INFERRED limit: ARM's DCR name length is not in the reference). */
export const DCR_NAME_MAX_LENGTH = 64;
/** Name of the one association this tool makes on a machine; others' associations are never touched. */
export const DCR_ASSOCIATION_NAME = "asc-autoprovision";
const DEFAULT_ASSOCIATION_SUFFIX = `/providers/Microsoft.Insights/dataCollectionRuleAssociations/${DCR_ASSOCIATION_NAME}`;

/**
 * One DCR per destination workspace, in the workspace's subscription and resource group, named
 * `asc-<workspace name>` (shortened with a hash of the workspace id when too long). The tier is
 * the rule's content, so a tier change is one update, not a re-association of every machine.
 */
export function dataCollectionRuleName(workspaceId: string): string {
  const workspaceName = workspaceId.slice(workspaceId.lastIndexOf("/") + 1);
  const name = DCR_NAME_PREFIX + workspaceName;
  if (name.length <= DCR_NAME_MAX_LENGTH) return name;
  const hash = fnv1a(workspaceId.toLowerCase());
  return `${name.slice(0, DCR_NAME_MAX_LENGTH - hash.length - 1)}-${hash}`;
}

export function dataCollectionRuleId(workspaceId: string): string {
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\//i.exec(workspaceId);
  return `${m ? m[1] : ""}/providers/Microsoft.Insights/dataCollectionRules/${dataCollectionRuleName(workspaceId)}`;
}

/** The association is an extension resource of the machine. */
export function dataCollectionRuleAssociationId(machineId: string, name = DCR_ASSOCIATION_NAME): string {
  // The default suffix is built once: a million association ids each add one link to their machine's id.
  return machineId + (name === DCR_ASSOCIATION_NAME ? DEFAULT_ASSOCIATION_SUFFIX : `/providers/Microsoft.Insights/dataCollectionRuleAssociations/${name}`);
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

// ---- ARM body ---------------------------------------------------------------------------------

export interface DataCollectionRuleInput {
  readonly location: string;
  readonly workspaceResourceId: string;
  readonly tier: SecurityEventTier;
}

export interface DataCollectionRuleBody {
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: {
    readonly description: string;
    readonly dataSources: {
      readonly windowsEventLogs?: readonly { readonly name: string; readonly streams: readonly string[]; readonly xPathQueries: readonly string[] }[];
    };
    readonly destinations: { readonly logAnalytics: readonly { readonly workspaceResourceId: string; readonly name: string }[] };
    readonly dataFlows: readonly { readonly streams: readonly string[]; readonly destinations: readonly string[] }[];
  };
}

/**
 * The `Microsoft.Insights/dataCollectionRules` PUT body (api 2022-06-01 shape). No `kind`: the
 * rule is associated with Windows and Linux machines alike (Linux agents have no Windows event
 * logs to read). None has no data source and no data flow: the rule only names the destination.
 */
export function dataCollectionRuleBody(input: DataCollectionRuleInput): DataCollectionRuleBody {
  const queries = xPathQueriesForTier(input.tier);
  const collects = queries.length > 0;
  return {
    location: input.location,
    tags: { createdBy: "asc-autoprovision" },
    properties: {
      description: `Windows security events, tier ${input.tier} (asc-autoprovision).`,
      dataSources: collects ? { windowsEventLogs: [{ name: DCR_DATA_SOURCE_NAME, streams: [SECURITY_EVENT_STREAM], xPathQueries: queries }] } : {},
      destinations: { logAnalytics: [{ workspaceResourceId: input.workspaceResourceId, name: DCR_DESTINATION_NAME }] },
      dataFlows: collects ? [{ streams: [SECURITY_EVENT_STREAM], destinations: [DCR_DESTINATION_NAME] }] : [],
    },
  };
}
