/**
 * The emulator's state and request pipeline, independent of the network: the HTTPS server hands
 * it EmuRequests. Pipeline: admin, AAD and cloud-metadata routes aside (anonymous, no latency or
 * faults), every request gets its operation class,
 * the configured latency, bearer-token verification, the fault injector, settlement of due
 * long-running operations, then the ARM router or the Logs API; everything a request changes is
 * committed (fsynced) before its answer is returned.
 */
import { openDb, Meta, type Db } from "./store/db";
import { ResourceStore, type StoredResource } from "./store/resources";
import { ChangeLog, type ChangeActor } from "./store/changeLog";
import { GraphLag } from "./store/graphLag";
import { GuestStore } from "./store/guest";
import { ExtensionLog } from "./store/extensionLog";
import { HeartbeatHistory } from "./store/heartbeatHistory";
import { Clock, type ClockState } from "./util/clock";
import { LroManager } from "./arm/lro";
import { Registry } from "./arm/registry";
import { ArmRouter } from "./arm/router";
import type { ArmContext, EmulatorSettings } from "./arm/types";
import { ArmError, ArmErrors } from "./http/errors";
import type { EmuRequest, EmuResponse, FaultClass, OpClass } from "./http/types";
import { header } from "./http/types";
import { TrafficRecorder } from "./http/recorder";
import { newSigningKey, TokenService } from "./auth/tokens";
import { handleAad, isAadPath } from "./auth/aad";
import { handleCloudMetadata, isMetadataPath } from "./metadata/handler";
import { ARM_AUDIENCES, EMULATOR_CLIENT_ID, EMULATOR_PRINCIPAL_ID, LOGS_AUDIENCES, msGraphAudiences } from "./constants";
import { handleMsGraph, isMsGraphPath } from "./msgraph/handler";
import { FaultInjector, RawFault } from "./faults/injector";
import type { FaultConfig } from "./faults/config";
import { Counters } from "./admin/counters";
import { handleAdmin, type AdminAuth } from "./admin/handler";
import { RemediationEngine } from "./remediation/engine";
import { handleLogs, isLogsPath } from "./logs/handler";
import type { HeartbeatAnswer } from "./logs/heartbeat";
import { resourceGraphRoute } from "./graph/handler";
import { GRAPH_TABLES } from "./graph/tables";
import { resourcesRoute } from "./providers/resources";
import { providersRoute } from "./arm/providers";
import { extensionImagesRoute } from "./providers/extensionImages";
import { networkInterfaces } from "./providers/network";
import { registerComputeOperations, virtualMachineExtensions, virtualMachineScaleSetExtensions, virtualMachineScaleSets, virtualMachineScaleSetVms, virtualMachines } from "./providers/compute";
import { arcExtensions, arcMachines } from "./providers/hybridCompute";
import { managedClusters } from "./providers/containerService";
import { dataSources, deletedWorkspaces, workspaces } from "./providers/operationalInsights";
import { solutions } from "./providers/operationsManagement";
import { autoProvisioningSettings, workspaceSettings } from "./providers/security";
import { defenderPricings, defenderSettings, vulnerabilityAssessments, vulnerabilityAssessmentSettings } from "./providers/defender";
import { DefenderAgent } from "./defender/agent";
import { policyAssignments, policyDefinitions, roleAssignments, roleDefinitions } from "./providers/authorization";
import { remediations } from "./providers/policyInsights";
import { policySetDefinitions } from "./providers/policySets";
import { managementGroups, managementGroupSubscriptions } from "./providers/management";
import { dataCollectionRules } from "./providers/dataCollectionRules";
import { dataCollectionRuleAssociations } from "./providers/dataCollectionRuleAssociations";
import { ensureSubscriptions, generateFleet, type FleetSummary } from "./fleet/generator";
import { seedManagementGroups, type ManagementGroupSeed } from "./fleet/managementGroups";
import { replayRequests, type ReplayFailure, type ReplayRequest } from "./fleet/replay";
import { lastProvidersIndex } from "./util/armId";
import { SUBSCRIPTION_TYPE } from "./model/resourceTypes";
import type { JsonObject } from "./util/json";

export interface CoreOptions {
  readonly dbPath: string;
  readonly tenantId: string;
  readonly settings: EmulatorSettings;
  readonly seed: number;
  readonly faults?: FaultConfig;
  /** The admin API's token for this start. */
  readonly admin: AdminAuth;
  /** A directory to record every exchange into (oav's traffic format), or none. */
  readonly recordTraffic?: string;
  /** Change rows show in `resourcechanges` up to this long after their write, seeded per change (store/changeIndexLag.ts); default 0. */
  readonly changeIndexLagMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class EmulatorCore implements ArmContext {
  readonly db: Db;
  readonly meta: Meta;
  readonly store: ResourceStore;
  readonly guest: GuestStore;
  readonly extensionLog: ExtensionLog;
  readonly changeLog: ChangeLog;
  readonly heartbeatHistory: HeartbeatHistory;
  /** The emulator's time; its offset is part of the state (meta `clock`), so a restart keeps it. */
  readonly clock: Clock;
  readonly lro: LroManager;
  readonly registry = new Registry();
  readonly router: ArmRouter;
  readonly tokens: TokenService;
  readonly faults: FaultInjector;
  readonly counters = new Counters();
  readonly remediation: RemediationEngine;
  /** What Defender deploys itself once a plan is on (defender/agent.ts). */
  readonly defender: DefenderAgent;
  readonly tenantId: string;
  readonly settings: EmulatorSettings;
  /** The seed's three subscriptions, the fleet's (management-group seeding can add more: allSubscriptionIds). */
  readonly subscriptionIds: string[];
  /** Set when the emulator records its traffic (EmulatorOptions.recordTraffic). */
  readonly recorder?: TrafficRecorder;
  private url = "https://localhost";
  private infoExtra: JsonObject = {};
  private readonly adminAuth: AdminAuth;
  /** Who the changes being made are by: the request being routed, if any. */
  private actor: ChangeActor = { correlationId: null, changedBy: null };

  /** What each Heartbeat answer was built from, in the admin counters' work. */
  private readonly onHeartbeatAnswer = (answer: HeartbeatAnswer): void => {
    this.counters.note("heartbeatMachines", answer.machines);
    this.counters.note("heartbeatRows", answer.rows.length);
  };

  constructor(opts: CoreOptions) {
    this.tenantId = opts.tenantId;
    this.adminAuth = opts.admin;
    if (opts.recordTraffic) this.recorder = new TrafficRecorder(opts.recordTraffic, () => this.url);
    this.settings = opts.settings;
    this.db = openDb(opts.dbPath);
    this.meta = new Meta(this.db);
    // Stored times (heartbeats, operations, Defender's schedule) were taken on this clock.
    const clock = this.meta.get("clock");
    this.clock = new Clock(clock ? (JSON.parse(clock) as ClockState) : undefined, (state) => this.meta.set("clock", JSON.stringify(state)));
    this.changeLog = new ChangeLog(this.db);
    this.changeLog.indexLag.set({ maxExtraMs: opts.changeIndexLagMs ?? 0, seed: opts.seed, resources: {} });
    this.store = new ResourceStore(this.db, {
      log: this.changeLog,
      types: new Set(GRAPH_TABLES["resources"]!.map((t) => t.toLowerCase())),
      now: () => this.clock.now(),
      actor: () => this.actor,
    }, new GraphLag<StoredResource>(() => this.settings.graphWriteLagMs, () => this.clock.now()));
    this.guest = new GuestStore(this.db);
    this.extensionLog = new ExtensionLog(this.db);
    this.heartbeatHistory = new HeartbeatHistory(this.db);
    this.lro = new LroManager(this.db, () => this);
    registerComputeOperations(this.lro);
    this.remediation = new RemediationEngine(this.db, () => this);
    this.defender = new DefenderAgent(this.meta, () => this);
    this.registry.add(
      virtualMachines, virtualMachineExtensions, virtualMachineScaleSets, virtualMachineScaleSetExtensions, virtualMachineScaleSetVms,
      arcMachines, arcExtensions, managedClusters, workspaces, deletedWorkspaces, dataSources, solutions,
      dataCollectionRules, dataCollectionRuleAssociations,
      autoProvisioningSettings, workspaceSettings,
      defenderPricings(() => this.defender), defenderSettings(() => this.defender), vulnerabilityAssessmentSettings(() => this.defender), vulnerabilityAssessments,
      policyDefinitions, policySetDefinitions, policyAssignments, roleDefinitions, roleAssignments,
      remediations(() => this.remediation),
      managementGroups, managementGroupSubscriptions, networkInterfaces,
    );
    const onGraphEvaluation = (rows: number) => {
      this.counters.note("graphEvaluations");
      this.counters.note("graphRowsRead", rows);
    };
    this.router = new ArmRouter(this.registry, this.lro, [providersRoute(this.registry), resourcesRoute, extensionImagesRoute, resourceGraphRoute(undefined, onGraphEvaluation)]);
    let key = this.meta.get("tokenSigningKey");
    if (!key) {
      key = newSigningKey();
      this.meta.set("tokenSigningKey", key);
    }
    this.tokens = new TokenService(key, this.clock, this.tenantId, opts.settings.tokenLifetimeSeconds);
    this.faults = new FaultInjector(this.clock);
    if (opts.faults) this.faults.set(opts.faults);
    const seedStored = this.meta.get("seed");
    const seed = seedStored !== undefined ? Number(seedStored) : opts.seed;
    this.subscriptionIds = this.tx(() => {
      this.meta.set("seed", String(seed));
      return ensureSubscriptions(this, seed, this.tenantId);
    });
  }

  /** Applies a management-group hierarchy (idempotent: groups and placements are PUTs). */
  seedManagementGroups(seeds: readonly ManagementGroupSeed[]): void {
    if (seeds.length > 0) this.tx(() => seedManagementGroups(this, this.registry, seeds));
  }

  /** Generates the fleet once per state file; later starts keep what is there. */
  ensureFleet(count: number): FleetSummary | null {
    const existing = this.meta.get("fleet");
    if (existing) return JSON.parse(existing) as FleetSummary;
    if (count <= 0) return null;
    // A generated fleet is the state the emulator starts from, not changes made to it.
    this.store.recordChanges = false;
    try {
      return this.tx(() => {
        const summary = generateFleet(this, this.registry, count, Number(this.meta.get("seed")), this.subscriptionIds);
        this.meta.set("fleet", JSON.stringify(summary));
        return summary;
      });
    } finally {
      this.store.recordChanges = true;
    }
  }

  /**
   * Serves recorded ARM writes in one transaction as the emulator's service principal, then
   * settles their long-running operations (fleet/replay.ts). Seeding, like a generated fleet: the
   * writes are the state the emulator starts from, not changes Resource Graph reports.
   */
  replay(requests: readonly ReplayRequest[]): ReplayFailure[] {
    const principal = this.tokens.verify(`Bearer ${this.tokens.issue(this.tenantId, EMULATOR_CLIENT_ID, EMULATOR_PRINCIPAL_ID, ARM_AUDIENCES[0]!).token}`, ARM_AUDIENCES);
    this.store.recordChanges = false;
    try {
      return this.tx(() => {
        const failures = replayRequests(this, this.router, principal, requests);
        this.lro.settleDue();
        return failures;
      });
    } finally {
      this.store.recordChanges = true;
    }
  }

  fleet(): FleetSummary | null {
    const f = this.meta.get("fleet");
    return f ? (JSON.parse(f) as FleetSummary) : null;
  }

  /** Every subscription the emulator holds: the fleet's three first, then those management-group seeding created. */
  allSubscriptionIds(): string[] {
    const fleet = new Set(this.subscriptionIds.map((s) => s.toLowerCase()));
    const others = this.store.list(SUBSCRIPTION_TYPE, {}).map((s) => String(s.doc["subscriptionId"])).filter((s) => !fleet.has(s.toLowerCase()));
    return [...this.subscriptionIds, ...others];
  }

  setUrl(url: string, extra: JsonObject): void {
    this.url = url;
    this.infoExtra = extra;
  }

  baseUrl(): string {
    return this.url;
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  kickRemediations(): void {
    this.remediation.kick();
  }

  checkDeleteTree(stored: StoredResource, req?: EmuRequest): void {
    const del = { rootId: stored.id, req };
    for (const r of this.store.tree(stored.id)) this.registry.get(r.type)?.beforeDelete?.(this, r, del);
  }

  deleteTree(stored: StoredResource, req?: EmuRequest): void {
    const del = { rootId: stored.id, req };
    for (const r of this.store.tree(stored.id)) this.registry.get(r.type)?.onDeleted?.(this, r, del);
    this.store.deleteTree(stored.id);
  }

  start(): void {
    // Resume remediation tasks that were running when the emulator stopped.
    this.remediation.kick();
    this.remediation.warm();
  }

  close(): void {
    this.remediation.stop();
    this.db.close();
  }

  info(): JsonObject {
    return { url: this.url, tenantId: this.tenantId, subscriptionIds: this.allSubscriptionIds(), ...this.infoExtra };
  }

  /** The operation class a request is counted and faulted under. */
  classify(req: EmuRequest): OpClass {
    const s = req.segments;
    if (s[0]?.toLowerCase() === "admin") return "admin";
    if (isAadPath(s)) return "auth";
    if (isMetadataPath(s)) return "metadata";
    if (isLogsPath(s)) return "query";
    // Graph lookups (getByIds is a POST) read the directory: counted and faulted as reads.
    if (isMsGraphPath(s)) return "read";
    const l = s.map((x) => x.toLowerCase());
    if (l.length === 3 && l[0] === "providers" && l[1] === "microsoft.resourcegraph" && l[2] === "resources") return "graph";
    if (req.method === "GET" || req.method === "HEAD") return "read";
    if (req.method === "DELETE") return "delete";
    return "write";
  }

  async handle(req: EmuRequest): Promise<{ res: EmuResponse; cls: OpClass }> {
    const cls = this.classify(req);
    try {
      if (cls === "admin") {
        return { cls, res: handleAdmin({ ctx: this, registry: this.registry, counters: this.counters, faults: this.faults, remediation: this.remediation, info: () => this.info(), fleet: () => this.fleet() as unknown as JsonObject | null, settle: () => this.lro.settleDue() + this.defender.settleDue(), replay: (r) => this.replay(r), auth: this.adminAuth }, req) };
      }
      if (cls === "auth") return { cls, res: handleAad(this.url, this.tokens, req) };
      if (cls === "metadata") return { cls, res: handleCloudMetadata(this.url, req) };
      const latency = this.faults.latencyMs(cls);
      if (latency > 0) await sleep(latency);
      const logs = cls === "query";
      const msgraph = isMsGraphPath(req.segments);
      const audiences = logs ? LOGS_AUDIENCES : msgraph ? msGraphAudiences(this.url) : [...ARM_AUDIENCES, this.url, `${this.url}/`];
      req.principal = this.tokens.verify(header(req, "authorization"), audiences, logs ? "logs" : "arm");
      let faultHeaders: Record<string, string>;
      let dropAfterCommit = false;
      try {
        faultHeaders = this.faults.admit({
          cls: cls as FaultClass,
          method: req.method,
          resourceType: guessType(req.segments),
          path: req.path,
          subscriptionId: req.segments[0]?.toLowerCase() === "subscriptions" ? (req.segments[1]?.toLowerCase() ?? null) : null,
          principal: req.principal.oid,
          correlationId: req.correlationId,
        });
      } catch (err) {
        if (!(err instanceof RawFault && err.afterCommit)) throw err;
        // Served as usual below; only its answer is lost.
        faultHeaders = {};
        dropAfterCommit = true;
      }
      this.actor = { correlationId: req.correlationId, changedBy: req.principal.oid };
      let res: EmuResponse;
      try {
        this.lro.settleDue();
        this.defender.settleDue();
        res = logs ? handleLogs(this, req, this.onHeartbeatAnswer) : msgraph ? handleMsGraph(this, this.url, req) : this.router.handle(this, req);
      } finally {
        this.actor = { correlationId: null, changedBy: null };
      }
      if (dropAfterCommit) return { cls, res: { status: 0, drop: true } };
      res.headers = { ...faultHeaders, ...(res.headers ?? {}) };
      return { cls, res };
    } catch (err) {
      if (err instanceof RawFault) {
        return { cls, res: err.drop ? { status: 0, drop: true } : { status: err.status, text: err.text, headers: { "content-type": err.contentType }, injected: true } };
      }
      if (err instanceof ArmError) return { cls, res: { status: err.status, body: err.body(), headers: { ...err.headers } } };
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`emulator: internal error on ${req.method} ${req.path}: ${err instanceof Error ? (err.stack ?? message) : message}\n`);
      return { cls, res: { status: 500, body: ArmErrors.emulatorFailure(message).body() } };
    }
  }
}

/** Resource type named by a path (for scripted faults and counters before routing). */
export function guessType(segments: readonly string[]): string {
  const p = lastProvidersIndex(segments);
  if (p < 0) {
    const l = segments.map((s) => s.toLowerCase());
    if (l[2] === "resourcegroups") return "Microsoft.Resources/resourceGroups";
    return "Microsoft.Resources/subscriptions";
  }
  const rest = segments.slice(p + 2);
  return [segments[p + 1], ...rest.filter((_, i) => i % 2 === 0)].join("/");
}
