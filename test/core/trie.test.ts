/** trieChild (kernel/trie.ts) tries the last child found before its map: it answers as the map alone does. */
import fc from "fast-check";
import { trieChild, type TrieNode } from "../../src/core/kernel/trie";

interface Node extends TrieNode<Node> {
  label?: string;
}

describe("trieChild", () => {
  it("gives one child per value (SameValueZero, as a Map), whatever the order of the values", () => {
    const reason = { code: "x" };
    const value = fc.constantFrom<unknown>("a", "b", "", 0, -0, 1, NaN, true, false, null, undefined, reason, { code: "x" });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (values) => {
        const root: Node = {};
        const seen = new Map<unknown, Node>();
        return values.every((v) => {
          const child = trieChild(root, v);
          const before = seen.get(v);
          if (!before) seen.set(v, child);
          return (before ?? child) === child && root.next!.size === seen.size;
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("an undefined value after a fresh node is a child of its own", () => {
    const root: Node = {};
    const u = trieChild(root, undefined);
    expect(trieChild(root, undefined)).toBe(u);
    expect(trieChild(root, "a")).not.toBe(u);
    expect(trieChild(root, undefined)).toBe(u);
  });
});
