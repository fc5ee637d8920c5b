/**
 * Where the state of applies lives: the journal of each fleet and the leases that keep two runs
 * off one subscription. A local directory (default) or an Azure Storage container (`--state
 * https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]`), as Terraform's azurerm backend keeps
 * its state in a blob and locks it with a blob lease.
 */

/** Who holds a lease: shown to the run that is refused. Never a secret. */
export interface LeaseHolder {
  /** The lease id (a GUID): what `--force-unlock ID` names. */
  readonly id: string;
  /** apply, reconcile, pulumi. */
  readonly command: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
}

/** A lease one run holds on one name until it releases it or stops renewing it. */
export interface HeldLease {
  readonly name: string;
  /** Extends the lease; rejects when it was lost (broken, expired and taken). */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/** A journal's bytes: read once, appended durably (before the call it describes goes out). */
export interface JournalStore {
  /** Where it is, for messages. */
  readonly where: string;
  /** The whole text; "" when there is none. A torn last line is cut (or ended) here. */
  load(): Promise<string>;
  /** Appends; resolved once durable (fsync, or the storage service's acknowledgement). */
  append(text: string): Promise<void>;
  /** Keeps the journal as completed and starts afresh; prunes old completed ones. */
  archive(keep: number): Promise<void>;
  close(): void;
}

export interface StateStore {
  /** The --state value as the user gave it, for messages. */
  readonly description: string;
  /** Checks the location can be written (fails fast: `--state /proc/x`). */
  prepare(): Promise<void>;
  journal(name: string): JournalStore;
  /** Takes the lease `name` for `holder`, or throws LeaseRefusedError naming the holder. */
  acquire(name: string, holder: LeaseHolder, seconds: number): Promise<HeldLease>;
  /** Breaks the lease `name` if `id` holds it; throws naming the holder if another does; false when free. */
  breakLease(name: string, id: string): Promise<boolean>;
}

export class LeaseRefusedError extends Error {
  constructor(
    readonly leaseName: string,
    readonly holder: LeaseHolder | undefined,
    readonly where: string,
    readonly expiresAt?: string,
    /** The refused run's command: `pulumi` has no --force-unlock (user trial 17), the CLI's commands do. */
    readonly refusedCommand?: string,
  ) {
    super(
      holder
        ? `${leaseName} is locked by ${describeHolder(holder)} (${where}). Wait for it to finish; if it died, its lease expires${expiresAt ? ` at ${expiresAt}` : " within a minute"}, ${breakAdvice(holder.id, refusedCommand)}`
        : `${leaseName} is locked by another run whose holder is not recorded (${where}); its lease expires within a minute`,
    );
    this.name = "LeaseRefusedError";
  }

  /** The same refusal, worded for the command that was refused. */
  for(command: string): LeaseRefusedError {
    return new LeaseRefusedError(this.leaseName, this.holder, this.where, this.expiresAt, command);
  }
}

/** A watch refused the lease of a subscription that joined its scope: it goes on, and tries again each round. */
export const WATCH_ROUND = "reconcile --watch";

/** How the refused run gets the lease: the CLI breaks a dead holder's with --force-unlock; Pulumi waits for it to expire; a running watch tries again each round. */
function breakAdvice(id: string, command: string | undefined): string {
  if (command === "pulumi") return `and a \`pulumi up\` after that takes it (the lease is renewed while its holder runs, so only a dead holder's expires)`;
  if (command === WATCH_ROUND) return `and this watch takes it at its next round after that (it tries each round); to break a dead holder's lease now, restart the watch with --force-unlock ${id}`;
  return `or run again with --force-unlock ${id}`;
}

export function describeHolder(h: LeaseHolder): string {
  return `${h.command} (pid ${h.pid} on ${h.host}, user ${h.user}, since ${h.startedAt}, lease id ${h.id})`;
}
