/** Request counters per operation class and per (method, resource type), for tests and benchmarks. */
import type { OpClass } from "../http/types";
import type { JsonObject } from "../util/json";

export class Counters {
  private byClass = new Map<OpClass, number>();
  private byOperation = new Map<string, number>();
  private byStatus = new Map<string, number>();
  private total = 0;
  /** Work the emulator did, by kind (e.g. `graphEvaluations`: Resource Graph queries evaluated in full). */
  private work = new Map<string, number>();
  private since = new Date().toISOString();

  record(cls: OpClass, operation: string, status: number): void {
    if (cls === "admin") return;
    this.total++;
    this.byClass.set(cls, (this.byClass.get(cls) ?? 0) + 1);
    this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1);
    const bucket = status === 0 ? "dropped" : status === 429 ? "429" : `${Math.floor(status / 100)}xx`;
    this.byStatus.set(bucket, (this.byStatus.get(bucket) ?? 0) + 1);
  }

  /** Counts a unit of internal work (not a request). */
  note(kind: string, n = 1): void {
    this.work.set(kind, (this.work.get(kind) ?? 0) + n);
  }

  reset(): void {
    this.work = new Map();
    this.byClass = new Map();
    this.byOperation = new Map();
    this.byStatus = new Map();
    this.total = 0;
    this.since = new Date().toISOString();
  }

  snapshot(): JsonObject {
    const classes: JsonObject = { read: 0, write: 0, delete: 0, graph: 0, query: 0, auth: 0, metadata: 0 };
    for (const [k, v] of this.byClass) classes[k] = v;
    return {
      since: this.since,
      total: this.total,
      byClass: classes,
      byOperation: Object.fromEntries([...this.byOperation.entries()].sort()),
      byStatus: Object.fromEntries([...this.byStatus.entries()].sort()),
      work: Object.fromEntries([...this.work.entries()].sort()),
    };
  }
}
