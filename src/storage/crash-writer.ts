// Child process for the crash-durability test: writes to a sqlite store and prints the revision of
// every acknowledged write, one per line, until it is killed. Several writes are kept in flight at
// once so that group commit is exercised too.
import { openSqliteStore } from './sqlite.js';

const [path, inFlightArg] = process.argv.slice(2);
if (!path) {
  console.error('usage: crash-writer.js <db path> [writes in flight]');
  process.exit(2);
}
const inFlight = Number(inFlightArg ?? '8');
const store = openSqliteStore(path);
let n = 0;

async function writer(lane: number): Promise<void> {
  for (;;) {
    const i = n++;
    const key = `/crash/${lane}/${i}`;
    const rev = await store.create(key, Buffer.from(`value-${i}`));
    process.stdout.write(`${rev} ${key} value-${i}\n`);
  }
}

for (let lane = 0; lane < inFlight; lane++) void writer(lane);
