// Timestamps as the API writes them: RFC 3339 in UTC, to the second.
export function nowTimestamp(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
