// Go's time.ParseDuration, which flags (`--lease-duration=40s`) and CronJob's `@every 1h30m`
// schedules are written in.

/** A text Go would not parse as a duration; the message is Go's. */
export class DurationError extends Error {}

const units: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds. */
export function parseGoDuration(text: string): number {
  const bad = () => new DurationError(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw bad();
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length) {
    const m = re.exec(s);
    if (!m) {
      if (/^(\d+(?:\.\d*)?|\.\d+)/.test(s)) throw new DurationError(`time: missing unit in duration ${JSON.stringify(text)}`);
      throw bad();
    }
    total += Number.parseFloat(m[1]!) * units[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * total;
}
