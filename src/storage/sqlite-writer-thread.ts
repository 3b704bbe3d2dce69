// The sqlite store's writer thread: it owns the database's only write connection and runs every
// group commit (checks, inserts, COMMIT and its fsync) and every compaction chunk, one request
// at a time in arrival order, so the event loop of the thread serving the API never waits on
// the disk. Started by SqliteWriter with the database path as workerData.
import { parentPort, workerData } from 'node:worker_threads';
import { applyBatch } from './log-batch.js';
import { SqliteLog } from './sqlite.js';
import { packOutcomes, unpackOps, type Reply, type Request } from './sqlite-writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
const { path } = workerData as { path: string };
const log = new SqliteLog(path);

function handle(req: Request): { reply: Reply; transfer: ArrayBuffer[] } {
  switch (req.type) {
    case 'commit': {
      const outcomes = applyBatch(log, unpackOps(req.ops, req.data), req.fromRev);
      const packed = packOutcomes(outcomes);
      return { reply: { type: 'done', id: req.id, ...packed }, transfer: [packed.data] };
    }
    case 'compact':
      log.compactRange(req.from, req.to);
      return { reply: { type: 'done', id: req.id }, transfer: [] };
    case 'close':
      // The store terminates this thread once it has the reply.
      log.close();
      return { reply: { type: 'done', id: req.id }, transfer: [] };
    default:
      // A request this thread does not understand means the two sides disagree: die loudly
      // (the store fails what is pending) rather than guess.
      throw new Error(`sqlite writer: unknown request ${JSON.stringify(req)}`);
  }
}

port.on('message', (req: Request) => {
  let out: { reply: Reply; transfer: ArrayBuffer[] };
  try {
    out = handle(req);
  } catch (err) {
    // applyBatch and compactRange run in one transaction each: a throw means it rolled back.
    // Only sqlite's own errors are answered; anything else is a bug and kills the thread.
    if (!(err instanceof Error) || !('code' in err) || typeof err.code !== 'string' || !err.code.startsWith('SQLITE_')) throw err;
    out = { reply: { type: 'failed', id: req.id, message: err.message, code: err.code }, transfer: [] };
  }
  port.postMessage(out.reply, out.transfer);
});
