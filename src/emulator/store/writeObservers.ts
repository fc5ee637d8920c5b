/**
 * Who wants to know that a store wrote: in-memory indexes over the stores (the Heartbeat's
 * workspace index) mark what a write touched and bring it up to date when next asked. Called with
 * the id written (a resource, or a machine for the guest and heartbeat stores), after the write;
 * a write rolled back later leaves a mark that costs a recompute, never a wrong answer.
 */
export type WriteObserver = (id: string, kind: "put" | "delete") => void;

export class WriteObservers {
  private readonly observers = new Set<WriteObserver>();

  /** Adds an observer; the returned function removes it. */
  add(observer: WriteObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  notify(id: string, kind: "put" | "delete"): void {
    for (const o of this.observers) o(id, kind);
  }
}
