/**
 * Applies the fault configuration to a request: scripted faults first, then random 429s, the
 * token buckets (when enabled), then random server errors. Randomness is seeded, so a fault run
 * is reproducible. Buckets are kept per (class, subscription, principal) as ARM keeps them and
 * report `x-ms-ratelimit-remaining-*`; only enabled buckets drain and refuse requests.
 */
import type { Clock } from "../util/clock";
import { Rng } from "../util/random";
import type { FaultClass } from "../http/types";
import { ArmErrors, type ArmError } from "../http/errors";
import { DEFAULT_BUCKETS, type FaultConfig } from "./config";

interface Bucket {
  tokens: number;
  last: number;
}

export interface FaultContext {
  readonly cls: FaultClass;
  readonly method: string;
  readonly resourceType: string;
  readonly path: string;
  readonly subscriptionId: string | null;
  readonly principal: string;
  readonly correlationId: string;
}

/** A scripted answer that is not an ARM error: raw bytes, or no answer at all. */
export class RawFault {
  constructor(
    readonly drop: boolean,
    readonly status = 0,
    readonly text = "",
    readonly contentType = "application/json",
    /** The request is served (a write commits) before the connection is dropped. */
    readonly afterCommit = false,
  ) {}
}

export class FaultInjector {
  private config: FaultConfig = {};
  private rng = new Rng(1);
  private scriptedLeft: number[] = [];
  private readonly buckets = new Map<string, Bucket>();
  /** Resource Graph quota windows per principal. */
  private readonly quotaWindows = new Map<string, { start: number; used: number }>();
  private injected = 0;

  constructor(private readonly clock: Clock) {}

  set(config: FaultConfig): void {
    this.config = config;
    this.rng = new Rng(config.seed ?? 1);
    this.scriptedLeft = (config.scripted ?? []).map((s) => s.count);
    this.buckets.clear();
    this.quotaWindows.clear();
  }

  /** Resource Graph's quota as configured: enforced or not, queries per window. */
  private graphQuota(): { enabled: boolean; queries: number; windowMs: number } {
    const q = this.config.graphQuota;
    const b = this.config.buckets?.graph;
    const queries = q?.queries ?? b?.capacity ?? 15;
    const windowSeconds = q?.windowSeconds ?? (b ? b.capacity / b.refillPerSecond : 5);
    return { enabled: q?.enabled ?? this.config.buckets?.enabled ?? false, queries, windowMs: windowSeconds * 1000 };
  }

  /** Charges one query to the principal's window; throws 429 RateLimiting when the window is spent. */
  private chargeGraph(f: FaultContext): Record<string, string> {
    const q = this.graphQuota();
    const now = this.clock.now();
    const resets = (ms: number): string => {
      const s = Math.max(0, Math.ceil(ms / 1000));
      return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, "0")).join(":");
    };
    if (!q.enabled) return { "x-ms-user-quota-remaining": String(q.queries - 1), "x-ms-user-quota-resets-after": resets(q.windowMs) };
    let w = this.quotaWindows.get(f.principal);
    if (!w || now >= w.start + q.windowMs) this.quotaWindows.set(f.principal, (w = { start: now, used: 0 }));
    const left = w.start + q.windowMs - now;
    if (w.used >= q.queries) {
      this.injected++;
      throw this.throttled(f, Math.max(1, Math.ceil(left / 1000)));
    }
    w.used++;
    return { "x-ms-user-quota-remaining": String(q.queries - w.used), "x-ms-user-quota-resets-after": resets(left) };
  }

  get(): FaultConfig {
    return this.config;
  }

  /** Faults injected since the configuration was set. */
  get injectedCount(): number {
    return this.injected;
  }

  latencyMs(cls: FaultClass): number {
    const l = this.config.latencyMs;
    return l?.[cls] ?? l?.default ?? 0;
  }

  private bucketSpec(cls: FaultClass): { capacity: number; refillPerSecond: number } | undefined {
    if (cls === "query") return undefined;
    return this.config.buckets?.[cls] ?? DEFAULT_BUCKETS[cls];
  }

  private bucket(f: FaultContext): { b: Bucket; capacity: number; refill: number } | undefined {
    const spec = this.bucketSpec(f.cls);
    if (!spec) return undefined;
    const key = `${f.cls}|${f.subscriptionId ?? "tenant"}|${f.principal}`;
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { tokens: spec.capacity, last: now }));
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.last) / 1000) * spec.refillPerSecond);
    b.last = now;
    return { b, capacity: spec.capacity, refill: spec.refillPerSecond };
  }

  /** Throws the faulted answer, or returns the rate-limit headers of an admitted request. */
  admit(f: FaultContext): Record<string, string> {
    const scripted = this.config.scripted ?? [];
    for (let i = 0; i < scripted.length; i++) {
      const s = scripted[i]!;
      if (this.scriptedLeft[i]! <= 0) continue;
      if (s.class && s.class !== f.cls) continue;
      if (s.method && s.method.toUpperCase() !== f.method) continue;
      if (s.resourceType && s.resourceType.toLowerCase() !== f.resourceType.toLowerCase()) continue;
      if (s.pathContains && !f.path.toLowerCase().includes(s.pathContains.toLowerCase())) continue;
      this.scriptedLeft[i]!--;
      this.injected++;
      if (s.drop) throw new RawFault(true, 0, "", undefined, s.drop === "after-commit");
      if (s.respond) throw new RawFault(false, s.respond.status, s.respond.body, s.respond.contentType);
      throw s.status === 429 ? this.throttled(f, s.retryAfterSeconds ?? 1) : this.serverError(f, s.status ?? 500);
    }
    const t = this.config.throttle?.[f.cls];
    if (t && this.rng.next() < t.rate) {
      this.injected++;
      throw this.throttled(f, t.retryAfterSeconds ?? 1);
    }
    const headers: Record<string, string> = f.cls === "graph" ? this.chargeGraph(f) : {};
    const bk = f.cls === "graph" ? undefined : this.bucket(f);
    if (bk) {
      // Disabled buckets never refuse and report a full bucket (less this request), so a client
      // that paces itself on the header is not slowed by a limit that is not there.
      const enabled = this.config.buckets?.enabled === true;
      if (enabled && bk.b.tokens < 1) {
        this.injected++;
        throw this.throttled(f, Math.max(1, Math.ceil((1 - bk.b.tokens) / bk.refill)));
      }
      if (enabled) bk.b.tokens -= 1;
      const remaining = String(enabled ? Math.max(0, Math.floor(bk.b.tokens)) : bk.capacity - 1);
      const word = f.cls === "read" ? "reads" : f.cls === "write" ? "writes" : "deletes";
      headers[`x-ms-ratelimit-remaining-subscription-${word}`] = remaining;
      headers[`x-ms-ratelimit-remaining-tenant-${word}`] = remaining;
    }
    const e = this.config.serverErrors?.[f.cls];
    if (e && this.rng.next() < e.rate) {
      this.injected++;
      throw this.serverError(f, e.status ?? 500);
    }
    return headers;
  }

  private throttled(f: FaultContext, retryAfter: number): ArmError {
    if (f.cls === "graph") {
      // Resource Graph names the wait in its quota headers (no Retry-After), as its throttling guidance documents.
      const resets = `00:00:${String(retryAfter).padStart(2, "0")}`;
      return ArmErrors.graphRateLimited(f.correlationId, retryAfter, { "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": resets });
    }
    const headers: Record<string, string> = { "Retry-After": String(retryAfter) };
    if (f.cls === "query") return ArmErrors.logsThrottled(retryAfter, headers);
    const word = f.cls === "read" ? "read" : f.cls === "write" ? "write" : "delete";
    return ArmErrors.subscriptionRequestsThrottled(word, f.subscriptionId ?? "tenant", f.principal, retryAfter, headers);
  }

  private serverError(f: FaultContext, status: number): ArmError {
    if (status === 503) return ArmErrors.serviceUnavailable();
    if (status === 502) return ArmErrors.badGateway();
    return ArmErrors.internalServerError(f.subscriptionId ?? "", f.correlationId);
  }
}
