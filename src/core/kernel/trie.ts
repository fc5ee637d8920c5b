/**
 * Tries keyed by values themselves (reasons by their values, step shapes by their fields): what a
 * million machines share is found without building a key string per machine.
 */

/** A trie node: its children by value (made on first use), and the child found last with its value. */
export interface TrieNode<N> {
  next?: Map<unknown, N>;
  lastValue?: unknown;
  lastChild?: N;
}

/**
 * The child of `node` for `value`, made empty on first use. Machines in id order often repeat the
 * previous one's values (one resource group, one image), so the last child found is tried first
 * by identity, before the map hashes the value.
 */
export function trieChild<N extends TrieNode<N>>(node: N, value: unknown): N {
  const last = node.lastChild;
  if (last !== undefined && node.lastValue === value) return last;
  let next = node.next;
  if (!next) node.next = next = new Map();
  let found = next.get(value);
  // A node's own fields are all optional: an empty object is an empty node.
  if (!found) next.set(value, (found = {} as N));
  node.lastValue = value;
  node.lastChild = found;
  return found;
}
