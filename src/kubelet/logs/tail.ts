// Finding where the last n lines of a log file begin, reading backwards from the end in blocks
// so that a short tail of a large file costs a few reads, not the whole file.
import type { FileHandle } from 'node:fs/promises';

const BLOCK_SIZE = 16 * 1024;
const NEWLINE = 0x0a;

/**
 * The offset where the last `n` lines start, as upstream's FindTailLineStartIndex: a final line
 * without its newline is not counted, so it comes along in addition to the last n complete lines.
 */
export async function findTailStart(fh: FileHandle, n: number, size?: number): Promise<number> {
  if (n < 0) return 0;
  let right = size ?? (await fh.stat()).size;
  // Newline offsets, newest first; once n + 1 are known, the tail starts after the (n+1)-th.
  let seen = 0;
  const buf = Buffer.allocUnsafe(BLOCK_SIZE);
  while (right > 0) {
    const left = Math.max(0, right - BLOCK_SIZE);
    const len = right - left;
    const { bytesRead } = await fh.read(buf, 0, len, left);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== NEWLINE) continue;
      seen++;
      if (seen > n) return left + i + 1;
    }
    right = left;
  }
  return 0;
}
