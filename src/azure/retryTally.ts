/**
 * What the retries of a run met, counted: the requests ARM throttled (429, with the longest
 * Retry-After) and those it answered with a transient error, by status. A person is told at most
 * one line per `everyMs` while they go on (not a line per retry: an apply can resend thousands),
 * and the run's total at its end.
 */
import type { RetryInfo } from "./retry";

export interface RetryCounts {
  /** Requests answered 429 and sent again. */
  readonly throttled: number;
  /** The longest wait a 429 asked for (Retry-After), in ms. */
  readonly longestRetryAfterMs: number;
  /** Requests met by a transient error and sent again, by HTTP status ("503") or "network". */
  readonly transient: Readonly<Record<string, number>>;
}

interface Counting {
  throttled: number;
  longestRetryAfterMs: number;
  transient: Record<string, number>;
}

const empty = (): Counting => ({ throttled: 0, longestRetryAfterMs: 0, transient: {} });

export class RetryTally {
  private readonly all = empty();
  private unreported = empty();
  private lastReport = -Infinity;

  constructor(
    /** Told the retries since its last line, at most once per `everyMs`; none: counting only. */
    private readonly report?: (line: string) => void,
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** For RetryOptions.onRetry. */
  readonly onRetry = (info: RetryInfo): void => {
    for (const c of [this.all, this.unreported]) {
      if (info.reason === "throttled") {
        c.throttled++;
        c.longestRetryAfterMs = Math.max(c.longestRetryAfterMs, info.retryAfterMs ?? 0);
      } else {
        const key = info.status === undefined ? "network" : String(info.status);
        c.transient[key] = (c.transient[key] ?? 0) + 1;
      }
    }
    if (this.report && this.now() - this.lastReport >= this.everyMs) this.flush();
  };

  /** Reports what the last line did not (at the end of a phase), if anything. */
  flush(): void {
    if (!this.report || noRetries(this.unreported)) return;
    this.report(`${describeRetries(this.unreported)}; retrying`);
    this.unreported = empty();
    this.lastReport = this.now();
  }

  get total(): RetryCounts {
    return { throttled: this.all.throttled, longestRetryAfterMs: this.all.longestRetryAfterMs, transient: { ...this.all.transient } };
  }
}

export function noRetries(c: RetryCounts): boolean {
  return c.throttled === 0 && Object.keys(c.transient).length === 0;
}

/** "ARM throttled 37 request(s) (429, Retry-After up to 7 s) and answered 5 with 503, 2 with no answer (network)". */
export function describeRetries(c: RetryCounts): string {
  const parts: string[] = [];
  if (c.throttled) {
    const after = c.longestRetryAfterMs ? `, Retry-After up to ${Math.ceil(c.longestRetryAfterMs / 1000)} s` : "";
    parts.push(`throttled ${c.throttled} request(s) (429${after})`);
  }
  const statuses = Object.entries(c.transient)
    .filter(([k]) => k !== "network")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${n} with ${k}`);
  if (statuses.length) parts.push(`answered ${statuses.join(", ")}`);
  const network = c.transient.network;
  if (network) parts.push(`left ${network} unanswered (network)`);
  return `ARM ${parts.join(" and ")}`;
}
