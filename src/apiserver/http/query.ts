// Query parameter parsing as upstream's conversion of url.Values does.

/** Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False; anything else is undefined. */
export function parseBool(v: string | null): boolean | undefined {
  if (v === null) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

export function isWatch(query: URLSearchParams): boolean {
  return parseBool(query.get('watch')) === true;
}
