/**
 * Reasons as codes. A decider returns a Reason: a code from its capability's catalog and the few
 * values the sentence is made of. The sentence is built by the catalog's function for that code,
 * from those values only, so two machines share a sentence exactly when they share the data.
 *
 * A fleet of a million machines has a few dozen distinct reasons: the book keeps one Reason object
 * per (code, values), found through a trie keyed by the values themselves, and builds each
 * sentence once. Nothing is keyed by hand.
 */

/** A value a sentence is built from. Reasons are values too (one reason amending another). */
export type ReasonParam = string | number | boolean | null | undefined | Reason;

/** The sentences of one capability: one function per reason code, from its values to the sentence. */
export type ReasonCatalog = { readonly [code: string]: (...params: never[]) => string };

export interface Reason {
  readonly code: string;
  readonly params: readonly ReasonParam[];
  /** The sentence a person reads (the plan's `machines[].reason`). */
  readonly text: string;
}

interface Node {
  reason?: Reason;
  next?: Map<unknown, Node>;
}

/** `say` bound to one catalog. */
export type Speaker<C extends ReasonCatalog> = <K extends keyof C & string>(code: K, ...params: Parameters<C[K]>) => Reason;

export class ReasonBook {
  private readonly roots = new Map<ReasonCatalog[string], Node>();
  private readonly speakers = new Map<ReasonCatalog, Speaker<ReasonCatalog>>();

  /** `say` for one catalog (one function per catalog and plan, so a decider binds nothing per machine). */
  speaker<C extends ReasonCatalog>(catalog: C): Speaker<C> {
    let s = this.speakers.get(catalog);
    if (!s) this.speakers.set(catalog, (s = ((code: string, ...params: ReasonParam[]) => this.sayAll(catalog, code, params)) as Speaker<ReasonCatalog>));
    return s as unknown as Speaker<C>;
  }

  /** The shared Reason for `code` of `catalog` with these values. */
  say<C extends ReasonCatalog, K extends keyof C & string>(catalog: C, code: K, ...params: Parameters<C[K]>): Reason {
    return this.sayAll(catalog, code, params as readonly ReasonParam[]);
  }

  private sayAll(catalog: ReasonCatalog, code: string, params: readonly ReasonParam[]): Reason {
    const build = catalog[code];
    if (!build) throw new Error(`no reason ${code} in its catalog`);
    let node: Node | undefined = this.roots.get(build);
    if (!node) this.roots.set(build, (node = {}));
    for (const p of params) {
      let next: Map<unknown, Node> | undefined = node.next;
      if (!next) node.next = next = new Map();
      let child: Node | undefined = next.get(p);
      if (!child) next.set(p, (child = {}));
      node = child;
    }
    // The catalog's function takes exactly these values (the speaker's types say so).
    return (node.reason ??= Object.freeze({ code, params: Object.freeze([...params]), text: (build as (...a: readonly ReasonParam[]) => string)(...params) }));
  }
}
