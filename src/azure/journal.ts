/**
 * The apply journal: one JSON line per step event, appended durably before the call it describes
 * goes out, so an apply killed at any point knows on its next run what it may have sent. Holds step
 * ids, fingerprints and outcomes (principal ids, states), never a secret. Kept in the state store
 * (src/azure/state): a local file, or an append blob when runs share an Azure Storage container.
 *
 * Events: start (about to send), sent (a long-running operation was accepted: wait for it, never
 * send it again), done, failed, interrupted (a wait cut short by a stop: the operation may still
 * run). A run that stops early ends with a `stopped` line saying why and what was left.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Step } from "../core";
import type { Spec } from "../spec/schema";
import { LocalJournal } from "./state/local";
import type { JournalStore } from "./state/store";

export type JournalEvent = "start" | "sent" | "done" | "failed" | "interrupted";

/** Completed journals kept for reading (`reconcile --watch` completes one per round). */
export const KEPT_COMPLETED_JOURNALS = 20;

export interface JournalEntry {
  readonly event: JournalEvent;
  readonly step: string;
  /** Hash of the step's action, target and details: a changed step is a new step. */
  readonly fingerprint: string;
  readonly at: string;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly error?: string;
}

/** The last line of a run cut short: why, and where it stopped. */
export interface StoppedEntry {
  readonly event: "stopped";
  readonly at: string;
  readonly reason: string;
  readonly counts: Readonly<Record<string, number>>;
  /** Steps whose operation may still be running in Azure (a wait was cut short). */
  readonly inFlight: readonly string[];
  /** Steps never started. */
  readonly notStarted: number;
}

/**
 * What an earlier run left in the journal: a journal is archived when its run succeeds, so one
 * with lines was left by a run that did not finish (killed, stopped, or with failed steps).
 */
export interface EarlierRun {
  /** When it last wrote a line. */
  readonly lastAt: string;
  /** Its steps by their last event: `done`, `failed`, and `unconfirmed` (started, sent or interrupted: the next run asks ARM before sending again). */
  readonly done: number;
  readonly failed: number;
  readonly unconfirmed: number;
  /** Why it stopped, when it could say (a stop signal, a lost lease); absent when it was killed outright. */
  readonly stoppedBy?: string;
}

export function fingerprint(step: Step): string {
  return createHash("sha256").update(step.action).update("\0").update(step.target.toLowerCase()).update("\0").update(JSON.stringify(step.details)).digest("hex").slice(0, 16);
}

export class Journal {
  /** The last event of each fingerprint, from earlier runs and this one. */
  private readonly last = new Map<string, JournalEntry>();
  private readonly store: JournalStore;
  /** Appends in order, one at a time. */
  private tail: Promise<void> = Promise.resolve();
  /** What the journal held when opened: an earlier run that did not finish. */
  readonly earlierRun: EarlierRun | undefined;

  /** A local journal file (read now), or a store with its text already loaded (Journal.open). */
  constructor(pathOrStore: string | JournalStore, text?: string) {
    if (typeof pathOrStore === "string") {
      const local = new LocalJournal(pathOrStore);
      this.store = local;
      text = local.loadSync();
    } else {
      this.store = pathOrStore;
    }
    let stopped: StoppedEntry | undefined;
    let lastAt = "";
    for (const line of (text ?? "").split("\n")) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as JournalEntry | StoppedEntry;
        if (entry.event !== "stopped") this.last.set(entry.fingerprint, entry);
        // A run that stopped and a later one that went on: only the last line's stop stands.
        stopped = entry.event === "stopped" ? entry : undefined;
        if (entry.at > lastAt) lastAt = entry.at;
      } catch {
        // A torn line (cut by the store before appending): the event before it stands.
      }
    }
    this.earlierRun = lastAt ? earlierRunOf(this.last.values(), lastAt, stopped) : undefined;
  }

  static async open(store: JournalStore): Promise<Journal> {
    return new Journal(store, await store.load());
  }

  get where(): string {
    return this.store.where;
  }

  /** What an earlier run recorded last for this step, if anything. */
  previous(step: Step): JournalEntry | undefined {
    return this.last.get(fingerprint(step));
  }

  /** Appends the event; resolves once it is durable. */
  record(step: Step, event: JournalEvent, extra: { outputs?: Record<string, string>; error?: string } = {}): Promise<void> {
    const entry: JournalEntry = { event, step: step.id, fingerprint: fingerprint(step), at: new Date().toISOString(), ...extra };
    this.last.set(entry.fingerprint, entry);
    return this.write(JSON.stringify(entry) + "\n");
  }

  /** The last line of a run that stopped early. */
  stopped(entry: Omit<StoppedEntry, "event" | "at">): Promise<void> {
    return this.write(JSON.stringify({ event: "stopped", at: new Date().toISOString(), ...entry } satisfies StoppedEntry) + "\n");
  }

  private write(text: string): Promise<void> {
    // A local file is appended and fsynced now: the line is on disk before this returns.
    if (this.store instanceof LocalJournal) {
      try {
        this.store.appendSync(text);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    const next = this.tail.then(() => this.store.append(text));
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** After an apply in which every step succeeded: keep the journal for reading, start afresh next time. */
  async complete(): Promise<void> {
    this.last.clear();
    if (this.store instanceof LocalJournal) return this.store.archiveSync(KEPT_COMPLETED_JOURNALS);
    await this.tail;
    await this.store.archive(KEPT_COMPLETED_JOURNALS);
  }

  async flush(): Promise<void> {
    await this.tail;
  }

  close(): void {
    this.store.close();
  }
}

function earlierRunOf(entries: Iterable<JournalEntry>, lastAt: string, stopped: StoppedEntry | undefined): EarlierRun {
  let done = 0;
  let failed = 0;
  let unconfirmed = 0;
  for (const e of entries) {
    if (e.event === "done") done++;
    else if (e.event === "failed") failed++;
    else unconfirmed++;
  }
  return { lastAt, done, failed, unconfirmed, ...(stopped ? { stoppedBy: stopped.reason } : {}) };
}

/** A line for a person: an earlier run did not finish, what it left, and what this run does about it. */
export function describeEarlierRun(run: EarlierRun, where: string): string {
  const how = run.stoppedBy ? `stopped (${run.stoppedBy})` : run.failed && !run.unconfirmed ? "ended with failed steps" : "was cut off (killed, or its machine went down)";
  const left = [`${run.done} step(s) done`, run.failed ? `${run.failed} failed` : "", run.unconfirmed ? `${run.unconfirmed} sent or started without an answer` : ""].filter(Boolean).join(", ");
  return (
    `An earlier run on this fleet ${how}; its journal (${where}, last written ${run.lastAt}) holds ${left}. ` +
    `What it finished is in the live state, so the plan no longer has it; a step it started is checked with ARM before it is sent again.\n`
  );
}

/**
 * The journal name of applies to these subscriptions: independent of their order and case in the
 * spec, so a resumed apply with a reordered spec finds it. `instance` (an emulator's: its
 * connection's `instance`) keeps fleets of different clouds apart.
 */
export function journalName(subscriptions: readonly string[], instance?: string): string {
  return `apply-${fleetKey(subscriptions, instance)}.jsonl`;
}

/** A short stable key for a set of subscriptions (and the cloud they are in). */
export function fleetKey(subscriptions: readonly string[], instance?: string): string {
  const subs = [...new Set(subscriptions.map((s) => s.toLowerCase()))].sort();
  const h = createHash("sha256").update(subs.join(","));
  if (instance) h.update("\0").update(instance.toLowerCase());
  return h.digest("hex").slice(0, 16);
}

/** The local journal of applies of this spec's subscriptions, under `stateDir`. */
export function journalFor(stateDir: string, spec: Spec, instance?: string): Journal {
  return new Journal(join(stateDir, "journal", journalName(spec.subscriptions, instance)));
}
