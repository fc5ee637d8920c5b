/**
 * What Azure Policy knows of each resource's compliance before a remediation asks: for every VM
 * and AKS cluster, the facts its Deploy-if-not-exists policies look at (compliance.ts
 * ComplianceFacts), by subscription. A remediation's discovery picks its non-compliant resources
 * from here and reads the documents of those only, instead of listing a subscription's VMs and
 * each one's extensions in the emulator's event loop (at 100k machines ~1.3 s per task, holding
 * up every other request; in Azure, discovery runs in Azure Policy's backend).
 *
 * Built once in the background, a page of resources at a time with the event loop served between
 * pages, then kept current as WorkspaceIndex is: each write marks the machine it touched (its
 * document, an extension, an association under its id) and the next use recomputes only those.
 */
import type { ModelContext, StoreContext } from "../model/context";
import type { StoredResource } from "../store/resources";
import { AKS_TYPE, VM_TYPE } from "../model/resourceTypes";
import { parseId } from "../util/armId";
import { complianceFactsOf, type ComplianceFacts } from "./compliance";

/** The resource types a remediation discovers (targets.ts), lower case. */
const INDEXED_TYPES = [VM_TYPE, AKS_TYPE];
const INDEXED = new Set(INDEXED_TYPES.map((t) => t.toLowerCase()));

/** A VM's or cluster's id at the start of a (lower-case) id: the resource, or anything under it. */
const INDEXED_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/(?:microsoft\.compute\/virtualmachines|microsoft\.containerservice\/managedclusters)\/[^/]+/;

/** Resources read per page of the build; each page is served between two turns of the event loop. */
export const BUILD_PAGE = 250;

export interface IndexedResource {
  /** Lower-case type: which policies it is in scope of. */
  readonly type: string;
  readonly facts: ComplianceFacts;
}

/** Lets the event loop serve what is waiting (requests, timers) before the work goes on. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ComplianceIndex {
  /** Subscription (lower case) -> resource (lower-case id) -> what compliance looks at. */
  private readonly bySubscription = new Map<string, Map<string, IndexedResource>>();
  /** Resources (lower-case ids) a write touched since the last refresh. */
  private readonly dirty = new Set<string>();
  /** Deleted subscriptions and resource groups: every resource under them is recomputed. */
  private dirtyPrefixes: string[] = [];
  private built = false;
  private building?: Promise<void>;
  /** The build under way, shared by the background build and a use that cannot wait for it. */
  private builder?: Generator<void, void, void>;

  private constructor(private readonly ctx: StoreContext) {}

  /** The index of this emulator's store, observing its writes from now on (built on first use or by `ready`). */
  static of(ctx: Pick<ModelContext, "store">): ComplianceIndex {
    let index = INDEXES.get(ctx.store);
    if (!index) {
      const created = new ComplianceIndex(ctx);
      // Observing before building: nothing written between the two is missed (a mark costs a recompute).
      ctx.store.writes.add((id, kind) => created.note(id, kind));
      INDEXES.set(ctx.store, created);
      index = created;
    }
    return index;
  }

  /**
   * Builds the index if it is not built, a page at a time with the event loop served between
   * pages, and brings the marked resources up to date the same way; `stopped` ends it early
   * (the emulator closing). Afterwards `resources` answers at once until the next writes.
   */
  async ready(stopped: () => boolean = () => false, page = BUILD_PAGE): Promise<void> {
    if (!this.built) {
      this.building ??= this.build(stopped, page).finally(() => (this.building = undefined));
      await this.building;
    }
    while (!stopped() && (this.dirty.size > page || this.dirtyPrefixes.length > 0)) {
      this.expandPrefixes();
      for (const id of [...this.dirty].slice(0, page)) this.recompute(id);
      await turn();
    }
  }

  /**
   * A subscription's VMs and clusters with their facts, by lower-case id, current as of now
   * (what is left to build or recompute is done here, at once).
   */
  resources(subscriptionId: string): ReadonlyMap<string, IndexedResource> {
    if (!this.built) this.buildNow();
    this.expandPrefixes();
    for (const id of [...this.dirty]) this.recompute(id);
    return this.bySubscription.get(subscriptionId.toLowerCase()) ?? EMPTY;
  }

  private note(id: string, kind: "put" | "delete"): void {
    const l = id.toLowerCase();
    const resource = INDEXED_ID.exec(l)?.[0];
    if (resource) this.dirty.add(resource);
    // A resource group or subscription, with whatever it held.
    else if (kind === "delete" && !l.includes("/providers/")) this.dirtyPrefixes.push(l);
  }

  private expandPrefixes(): void {
    if (this.dirtyPrefixes.length === 0) return;
    const prefixes = this.dirtyPrefixes;
    this.dirtyPrefixes = [];
    for (const byId of this.bySubscription.values()) {
      for (const id of byId.keys()) if (prefixes.some((p) => id === p || id.startsWith(p + "/"))) this.dirty.add(id);
    }
  }

  private recompute(id: string): void {
    this.dirty.delete(id);
    const sub = parseId(id).subscriptionId ?? "";
    this.bySubscription.get(sub)?.delete(id);
    const stored = this.ctx.store.get(id);
    if (stored && INDEXED.has(stored.type.toLowerCase())) this.set(stored);
  }

  private set(resource: StoredResource): void {
    const sub = parseId(resource.id).subscriptionId ?? "";
    let byId = this.bySubscription.get(sub);
    if (!byId) this.bySubscription.set(sub, (byId = new Map()));
    byId.set(resource.id.toLowerCase(), { type: resource.type.toLowerCase(), facts: complianceFactsOf(this.ctx, resource) });
  }

  /** The build, a page at a time: each `next()` reads one page (the last sets `built`). */
  private *pages(page: number): Generator<void, void, void> {
    for (const type of INDEXED_TYPES) {
      let last: StoredResource | undefined;
      for (;;) {
        const rows = this.ctx.store.listPage(type, page, last);
        for (const r of rows) this.set(r);
        if (rows.length < page) break;
        last = rows[rows.length - 1];
        yield;
      }
    }
    this.built = true;
  }

  private async build(stopped: () => boolean, page: number): Promise<void> {
    const builder = (this.builder ??= this.pages(page));
    while (!stopped() && !builder.next().done) await turn();
  }

  /** The rest of the build at once, for a use before the background build finished. */
  private buildNow(): void {
    const builder = (this.builder ??= this.pages(BUILD_PAGE));
    while (!builder.next().done);
  }
}

const EMPTY: ReadonlyMap<string, IndexedResource> = new Map();
const INDEXES = new WeakMap<StoreContext["store"], ComplianceIndex>();
