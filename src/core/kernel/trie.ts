/**
 * Tries keyed by values themselves (reasons by their values, step shapes by their fields): what a
 * million machines share is found without building a key string per machine.
 */

/** A trie node: its children by value (made on first use). */
export interface TrieNode<N> {
  next?: Map<unknown, N>;
}

/** The child of `node` for `value`, made empty on first use. */
export function trieChild<N extends TrieNode<N>>(node: N, value: unknown): N {
  let next = node.next;
  if (!next) node.next = next = new Map();
  let found = next.get(value);
  // A node's own fields are all optional: an empty object is an empty node.
  if (!found) next.set(value, (found = {} as N));
  return found;
}
