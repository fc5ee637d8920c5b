/**
 * A watch's spec file, read again before each round (user trial 17: an edit was silently ignored).
 * An edit that validates is taken from that round on; one that does not is reported every round
 * while the file stays so (the field, the values allowed), and the last valid spec stays in force.
 */
import { readText, specOfText, type Spec } from "../spec";

export type SpecCheck =
  | { readonly status: "same" }
  /** `scopeChanged`: its subscriptions, management groups or excluded subscriptions differ (the lease is another). */
  | { readonly status: "reloaded"; readonly spec: Spec; readonly scopeChanged: boolean }
  | { readonly status: "invalid"; readonly error: string };

export class SpecFollower {
  private constructor(
    readonly path: string,
    /** The text the spec in force was read from. */
    private text: string,
    private spec: Spec,
  ) {}

  /** The spec file as the watch starts: invalid, it is the command's error (nothing runs). */
  static open(path: string): SpecFollower {
    const text = readText(path);
    return new SpecFollower(path, text, specOfText(text, path));
  }

  get current(): Spec {
    return this.spec;
  }

  check(): SpecCheck {
    let text: string;
    let spec: Spec;
    try {
      text = readText(this.path);
      if (text === this.text) return SAME;
      spec = specOfText(text, this.path);
    } catch (err) {
      // Unreadable (an editor replacing the file) or invalid: the old spec holds until the file is fixed.
      return { status: "invalid", error: (err as Error).message ?? String(err) };
    }
    const before = this.spec;
    this.text = text;
    this.spec = spec;
    // A comment or a blank line: the same spec, nothing to read or plan again.
    if (JSON.stringify(spec) === JSON.stringify(before)) return SAME;
    return { status: "reloaded", spec, scopeChanged: !sameScope(before, spec) };
  }
}

const SAME: SpecCheck = { status: "same" };

/** Whether two specs resolve to the same subscriptions (what a run's lease and journal are for). */
export function sameScope(a: Spec, b: Spec): boolean {
  const key = (s: Spec) => JSON.stringify([s.subscriptions, s.managementGroups, s.exclude.subscriptions].map((l) => [...new Set(l.map((x) => x.toLowerCase()))].sort()));
  return key(a) === key(b);
}
