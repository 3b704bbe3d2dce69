// One line of the CRI log format that containerd writes for every container:
//   <RFC3339Nano timestamp> <stdout|stderr> <tags> <content>\n
// where the first tag is F (full line) or P (partial: the next line continues it). Other tags,
// separated by ':', may follow; they are ignored for forward compatibility, as upstream does.

export type LogStream = 'stdout' | 'stderr';

export interface CriLogLine {
  /** Epoch milliseconds (sub-millisecond digits are kept only in `timestamp`). */
  timeMs: number;
  /** The timestamp in upstream's output form: nine fraction digits, the original zone. */
  timestamp: string;
  stream: LogStream;
  partial: boolean;
  /** The content as written: full lines keep their trailing newline, partial lines have none. */
  content: Buffer;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/** Parses an RFC 3339 timestamp with up to nanosecond precision. */
export function parseRfc3339Nano(text: string): { timeMs: number; timestamp: string } | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const fraction = (m[2] ?? '').padEnd(9, '0');
  const ms = Date.parse(`${m[1]}.${fraction.slice(0, 3)}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return { timeMs: ms, timestamp: `${m[1]}.${fraction}${m[3]}` };
}

/** Parses one physical line (with or without its newline); undefined when it is not CRI format. */
export function parseCriLogLine(line: Buffer): CriLogLine | undefined {
  const a = line.indexOf(SPACE);
  if (a < 0) return undefined;
  const time = parseRfc3339Nano(line.subarray(0, a).toString('latin1'));
  if (!time) return undefined;
  const b = line.indexOf(SPACE, a + 1);
  if (b < 0) return undefined;
  const stream = line.subarray(a + 1, b).toString('latin1');
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const c = line.indexOf(SPACE, b + 1);
  if (c < 0) return undefined;
  const partial = line.subarray(b + 1, c).toString('latin1').split(':')[0] === 'P';
  let content = line.subarray(c + 1);
  if (partial && content.length > 0 && content[content.length - 1] === NEWLINE) content = content.subarray(0, content.length - 1);
  return { timeMs: time.timeMs, timestamp: time.timestamp, stream, partial, content };
}

/** Formats a time as upstream's RFC3339NanoFixed in UTC (`2024-01-02T03:04:05.123456789Z`). */
export function formatTimestamp(ms: number, subMillisecondNanos = 0): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.123Z
  return `${iso.slice(0, 23)}${String(subMillisecondNanos).padStart(6, '0')}Z`;
}

/** Encodes one CRI log line (what a runtime writes; used by fakes and tests). */
export function encodeCriLogLine(timeMs: number, stream: LogStream, text: string, partial = false): string {
  return `${formatTimestamp(timeMs)} ${stream} ${partial ? 'P' : 'F'} ${text}\n`;
}
