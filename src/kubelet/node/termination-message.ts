// The message of a terminated container as upstream's kubelet builds it
// (kuberuntime convertToKubeContainerStatus): the runtime's own message, then what the
// container wrote to its terminationMessagePath (the last 4096 bytes), or, with
// FallbackToLogsOnError, a failed container's empty file replaced by the tail of its log
// (80 lines, at most 2048 bytes).
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { TERMINATION_MESSAGE_POLICY_ANNOTATION } from '../container-config/container-config.js';
import { readContainerLog } from '../logs/index.js';
import type { ContainerStatus } from '../runtime.js';

const MAX_MESSAGE_BYTES = 4096;
const MAX_LOG_LINES = 80;
const MAX_LOG_BYTES = 2048;

async function readTail(path: string, max: number): Promise<Buffer | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    return buf;
  } finally {
    await fh.close();
  }
}

/** The last `MAX_LOG_BYTES` of the last `MAX_LOG_LINES` lines of a CRI log, as upstream's circular buffer keeps them. */
async function logTail(logPath: string): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  try {
    await readContainerLog(logPath, { tailLines: MAX_LOG_LINES }, sink);
  } catch (err) {
    return `Error on reading termination message from logs: ${(err as Error).message}`;
  }
  const all = Buffer.concat(chunks);
  return all.subarray(Math.max(0, all.length - MAX_LOG_BYTES)).toString('utf8');
}

/** `hostPath`: the host file mounted at the container's terminationMessagePath (undefined when none). */
export async function terminationMessage(s: ContainerStatus, hostPath: string | undefined): Promise<string> {
  const fallbackToLogs = s.annotations[TERMINATION_MESSAGE_POLICY_ANNOTATION] === 'FallbackToLogsOnError' && s.exitCode !== 0 && s.reason !== 'ContainerCannotRun';
  let text = '';
  let checkLogs = fallbackToLogs;
  if (hostPath) {
    try {
      const data = await readTail(hostPath, MAX_MESSAGE_BYTES);
      if (data) {
        text = data.toString('utf8');
        checkLogs = fallbackToLogs && data.length === 0;
      }
    } catch (err) {
      text = `Error on reading termination log ${hostPath}: ${(err as Error).message}`;
      checkLogs = false;
    }
  }
  if (checkLogs && s.logPath) text = await logTail(s.logPath);
  if (!text) return s.message;
  return s.message ? `${s.message}: ${text}` : text;
}
