/**
 * Reasons as codes. A decider returns a Reason: a code from its capability's catalog and the few
 * values the sentence is made of. The sentence is built by the catalog's function for that code,
 * from those values only, so two machines share a sentence exactly when they share the data.
 *
 * A fleet of a million machines has a few dozen distinct reasons: the book keeps one Reason object
 * per (code, values), found through a trie keyed by the values themselves, and builds each
 * sentence once. Nothing is keyed by hand.
 */

import { trieChild, type TrieNode } from "./trie";

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

interface Node extends TrieNode<Node> {
  reason?: Reason;
}

/** `say` bound to one catalog. */
export type Speaker<C extends ReasonCatalog> = <K extends keyof C & string>(code: K, ...params: Parameters<C[K]>) => Reason;

export class ReasonBook {
  private readonly roots = new Map<ReasonCatalog[string], Node>();
  private readonly speakers = new Map<ReasonCatalog, Speaker<ReasonCatalog>>();

  /** `say` for one catalog (one function per catalog and plan, so a decider binds nothing per machine). */
  speaker<C extends ReasonCatalog>(catalog: C): Speaker<C> {
    let s = this.speakers.get(catalog);
    if (!s) {
      // Each code's sentence function, arity and trie root, found with one lookup per call.
      const codes = new Map<string, { build: ReasonCatalog[string]; n: number; root: Node }>();
      // Fixed arity, no rest array: a speaker is called once per machine.
      const say = (code: string, p0?: ReasonParam, p1?: ReasonParam, p2?: ReasonParam, p3?: ReasonParam, p4?: ReasonParam): Reason => {
        let known = codes.get(code);
        if (!known) {
          const build = catalog[code];
          if (!build) throw new Error(`no reason ${code} in its catalog`);
          codes.set(code, (known = { build, n: build.length, root: this.root(build) }));
        }
        const { build, n } = known;
        if (n > MAX_VALUES) return this.sayAll(catalog, code, [p0, p1, p2, p3, p4]);
        let node = known.root;
        if (n > 0) node = trieChild(node, p0);
        if (n > 1) node = trieChild(node, p1);
        if (n > 2) node = trieChild(node, p2);
        if (n > 3) node = trieChild(node, p3);
        if (n > 4) node = trieChild(node, p4);
        return (node.reason ??= reasonOf(code, build, [p0, p1, p2, p3, p4].slice(0, n)));
      };
      this.speakers.set(catalog, (s = say as unknown as Speaker<ReasonCatalog>));
    }
    return s as unknown as Speaker<C>;
  }

  private root(build: ReasonCatalog[string]): Node {
    let node = this.roots.get(build);
    if (!node) this.roots.set(build, (node = {}));
    return node;
  }

  /** The shared Reason for `code` of `catalog` with these values. */
  say<C extends ReasonCatalog, K extends keyof C & string>(catalog: C, code: K, ...params: Parameters<C[K]>): Reason {
    return this.sayAll(catalog, code, params as readonly ReasonParam[]);
  }

  private sayAll(catalog: ReasonCatalog, code: string, params: readonly ReasonParam[]): Reason {
    const build = catalog[code];
    if (!build) throw new Error(`no reason ${code} in its catalog`);
    let node = this.root(build);
    for (const p of params) node = trieChild(node, p);
    return (node.reason ??= reasonOf(code, build, params));
  }
}

/** Values a speaker passes without an array (the widest sentence has five). */
const MAX_VALUES = 5;


function reasonOf(code: string, build: ReasonCatalog[string], params: readonly ReasonParam[]): Reason {
  // The catalog's function takes exactly these values (the speaker's types say so).
  return Object.freeze({ code, params: Object.freeze([...params]), text: (build as (...a: readonly ReasonParam[]) => string)(...params) });
}
