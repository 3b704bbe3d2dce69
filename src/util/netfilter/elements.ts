// Set and map elements in `nft -f` scripts, batched: one `add element` / `delete element`
// command per chunk, long enough to be cheap, short enough for nft's parser.
export const ELEMENTS_PER_COMMAND = 1000;

/** `key` for a set's element, `key : value` for a map's. */
export function elementText(key: string, value: string | undefined): string {
  return value === undefined ? key : `${key} : ${value}`;
}

/** Appends to `out` the commands adding (or deleting: keys only) `items` in `container` of table `t` ("ip name"). */
export function pushElements(out: string[], verb: 'add' | 'delete', t: string, container: string, items: [string, string | undefined][]): void {
  for (let i = 0; i < items.length; i += ELEMENTS_PER_COMMAND) {
    const chunk = items.slice(i, i + ELEMENTS_PER_COMMAND).map(([k, v]) => (verb === 'delete' ? k : elementText(k, v)));
    out.push(`${verb} element ${t} ${container} { ${chunk.join(', ')} }`);
  }
}
