/**
 * The apply journal: one JSON line per step event, appended and fsynced before the call it
 * describes goes out, so an apply killed at any point knows on its next run what it may have
 * sent. Holds step ids, fingerprints and outcomes (principal ids, states), never a secret.
 *
 * Events: start (about to send), sent (a long-running operation was accepted: wait for it, never
 * send it again), done, failed.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createHash } from "node:crypto";
import type { Step } from "../core";
import type { Spec } from "../spec/schema";

export type JournalEvent = "start" | "sent" | "done" | "failed";

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

export function fingerprint(step: Step): string {
  return createHash("sha256").update(step.action).update("\0").update(step.target.toLowerCase()).update("\0").update(JSON.stringify(step.details)).digest("hex").slice(0, 16);
}

export class Journal {
  private fd: number | undefined;
  /** The last event of each fingerprint, from earlier runs and this one. */
  private readonly last = new Map<string, JournalEntry>();

  constructor(readonly path: string) {
    if (existsSync(path)) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as JournalEntry;
          this.last.set(entry.fingerprint, entry);
        } catch {
          // A torn last line from a kill mid-write: the event before it stands.
        }
      }
    }
  }

  /** What an earlier run recorded last for this step, if anything. */
  previous(step: Step): JournalEntry | undefined {
    return this.last.get(fingerprint(step));
  }

  record(step: Step, event: JournalEvent, extra: { outputs?: Record<string, string>; error?: string } = {}): void {
    const entry: JournalEntry = { event, step: step.id, fingerprint: fingerprint(step), at: new Date().toISOString(), ...extra };
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "a");
    }
    writeSync(this.fd, JSON.stringify(entry) + "\n");
    fsyncSync(this.fd);
    this.last.set(entry.fingerprint, entry);
  }

  /** After an apply in which every step succeeded: keep the journal for reading, start afresh next time. */
  complete(): void {
    this.close();
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.${Date.now()}.done`);
    this.last.clear();
    this.pruneCompleted();
  }

  /** Deletes all but the newest KEPT_COMPLETED_JOURNALS completed journals of this path. */
  private pruneCompleted(): void {
    const prefix = basename(this.path) + ".";
    const completed = readdirSync(dirname(this.path))
      .map((name) => ({ name, at: name.startsWith(prefix) && name.endsWith(".done") ? Number(name.slice(prefix.length, -".done".length)) : NaN }))
      .filter((f) => Number.isSafeInteger(f.at))
      .sort((a, b) => b.at - a.at);
    for (const f of completed.slice(KEPT_COMPLETED_JOURNALS)) rmSync(join(dirname(this.path), f.name), { force: true });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The journal of applies of this spec's subscriptions (one file per set of subscriptions), under `stateDir`. */
export function journalFor(stateDir: string, spec: Spec): Journal {
  const key = spec.subscriptions.map((s) => s.slice(0, 8)).join("-");
  return new Journal(join(stateDir, "journal", `apply-${key}.jsonl`));
}
