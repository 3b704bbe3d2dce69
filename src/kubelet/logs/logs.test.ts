import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Container, ContainerStatus } from '../runtime.js';
import { encodeCriLogLine, parseCriLogLine, parseRfc3339Nano } from './cri-log.js';
import { containerLogPath, logAttempts } from './paths.js';
import { readContainerLog, type ReadLogOptions } from './read-log.js';
import { LogRotator, type RotatorRuntime } from './rotator.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function logFile(text: string): string {
  const p = join(dir, `f${n++}.log`);
  writeFileSync(p, text);
  return p;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function read(path: string, o: ReadLogOptions = {}): Promise<string> {
  const out = new Collect();
  await readContainerLog(path, o, out);
  return out.text;
}

// The third logical line is written as a partial line ('par') completed by the next ('tial end').
const SAMPLE_FULL = [
  '2024-01-02T03:04:05.123456789Z stdout F first line\n',
  '2024-01-02T03:04:06.000000001Z stderr F second line\n',
  '2024-01-02T03:04:07.5Z stdout P par\n',
  '2024-01-02T03:04:07.600000000Z stdout F tial end\n',
].join('');

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('CRI log lines', () => {
  test('parses full and partial lines, keeping nanoseconds and ignoring extra tags', () => {
    const full = parseCriLogLine(Buffer.from('2024-01-02T03:04:05.123456789Z stdout F hello world\n'))!;
    assert.equal(full.stream, 'stdout');
    assert.equal(full.partial, false);
    assert.equal(full.content.toString(), 'hello world\n');
    assert.equal(full.timestamp, '2024-01-02T03:04:05.123456789Z');
    assert.equal(full.timeMs, Date.UTC(2024, 0, 2, 3, 4, 5, 123));
    const part = parseCriLogLine(Buffer.from('2024-01-02T03:04:05Z stderr P:x abc\n'))!;
    assert.equal(part.partial, true);
    assert.equal(part.content.toString(), 'abc');
    assert.equal(part.timestamp, '2024-01-02T03:04:05.000000000Z');
  });

  test('rejects what is not CRI format', () => {
    for (const bad of ['plain text\n', '2024-01-02T03:04:05Z stdin F x\n', 'notatime stdout F x\n', '2024-01-02T03:04:05Z stdout\n']) {
      assert.equal(parseCriLogLine(Buffer.from(bad)), undefined, bad);
    }
    assert.equal(parseRfc3339Nano('2024-13-02T03:04:05Z'), undefined);
  });

  test('encodes what it parses', () => {
    const line = encodeCriLogLine(Date.UTC(2024, 5, 1, 0, 0, 0, 7), 'stderr', 'boom');
    assert.equal(line, '2024-06-01T00:00:00.007000000Z stderr F boom\n');
  });
});

describe('readContainerLog', () => {
  test('writes the content of every line, joining partial lines', async () => {
    assert.equal(await read(logFile(SAMPLE_FULL)), 'first line\nsecond line\npartial end\n');
  });

  test('timestamps prefix each logical line once, in nine-digit form', async () => {
    assert.equal(
      await read(logFile(SAMPLE_FULL), { timestamps: true }),
      '2024-01-02T03:04:05.123456789Z first line\n2024-01-02T03:04:06.000000001Z second line\n2024-01-02T03:04:07.500000000Z partial end\n',
    );
  });

  test('tailLines counts physical lines from the end', async () => {
    const p = logFile(SAMPLE_FULL);
    assert.equal(await read(p, { tailLines: 1 }), 'tial end\n');
    assert.equal(await read(p, { tailLines: 3 }), 'second line\npartial end\n');
    assert.equal(await read(p, { tailLines: 0 }), '');
    assert.equal(await read(p, { tailLines: 100 }), 'first line\nsecond line\npartial end\n');
  });

  test('tail of a file larger than many blocks', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) lines.push(encodeCriLogLine(Date.UTC(2024, 0, 1) + i, 'stdout', `line ${i} ${'x'.repeat(i % 50)}`));
    const p = logFile(lines.join(''));
    const got = (await read(p, { tailLines: 3 })).split('\n');
    assert.deepEqual(got.map((l) => l.split(' ').slice(0, 2).join(' ')), ['line 19997', 'line 19998', 'line 19999', '']);
  });

  test('an incomplete last line is still shown, and unparseable lines are skipped', async () => {
    const p = logFile('garbage\n2024-01-02T03:04:05Z stdout F a\n2024-01-02T03:04:06Z stdout F b');
    assert.equal(await read(p), 'a\nb');
  });

  test('sinceTime and sinceSeconds drop older lines', async () => {
    const p = logFile(SAMPLE_FULL);
    assert.equal(await read(p, { sinceTime: new Date('2024-01-02T03:04:06Z') }), 'second line\npartial end\n');
    const now = Date.parse('2024-01-02T03:04:08.550Z');
    assert.equal(await read(p, { sinceSeconds: 1, now: () => now }), 'tial end\n');
  });

  test('limitBytes cuts the output', async () => {
    assert.equal(await read(logFile(SAMPLE_FULL), { limitBytes: 14 }), 'first line\nsec');
    assert.equal(await read(logFile(SAMPLE_FULL), { limitBytes: 11, timestamps: true }), '2024-01-02T');
  });

  test('a missing file rejects', async () => {
    await assert.rejects(read(join(dir, 'nope.log')));
  });

  test('follow streams appended lines, survives rotation, and stops after the signal', async () => {
    const p = logFile(encodeCriLogLine(Date.now(), 'stdout', 'one'));
    const out = new Collect();
    const ac = new AbortController();
    const done = readContainerLog(p, { follow: true, signal: ac.signal, pollIntervalMs: 100 }, out);
    await eventually(() => out.text === 'one\n');
    appendFileSync(p, encodeCriLogLine(Date.now(), 'stdout', 'two'));
    await eventually(() => out.text === 'one\ntwo\n');
    // An incomplete line is held until it completes.
    appendFileSync(p, encodeCriLogLine(Date.now(), 'stdout', 'three').slice(0, 40));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(out.text, 'one\ntwo\n');
    appendFileSync(p, encodeCriLogLine(Date.now(), 'stdout', 'three').slice(40));
    await eventually(() => out.text.endsWith('three\n'));
    // Rotation: the old file is renamed, a late write lands in it, then a new file appears.
    renameSync(p, `${p}.20240101-000000`);
    appendFileSync(`${p}.20240101-000000`, encodeCriLogLine(Date.now(), 'stdout', 'late'));
    writeFileSync(p, encodeCriLogLine(Date.now(), 'stdout', 'four'));
    await eventually(() => out.text.endsWith('late\nfour\n'));
    appendFileSync(p, encodeCriLogLine(Date.now(), 'stdout', 'last'));
    ac.abort();
    await done;
    assert.equal(out.text, 'one\ntwo\nthree\nlate\nfour\nlast\n');
  });

  test('follow ends when the reader goes away', async () => {
    const p = logFile(encodeCriLogLine(Date.now(), 'stdout', 'x'));
    const out = new PassThrough();
    out.resume();
    const done = readContainerLog(p, { follow: true, pollIntervalMs: 10_000 }, out);
    await new Promise((r) => setTimeout(r, 50));
    out.destroy();
    await done;
  });
});

describe('log paths', () => {
  test('attempt files per container', () => {
    const p0 = containerLogPath(dir, 'ns', 'pod', 'uid-1', 'app', 0);
    assert.equal(p0, join(dir, 'ns_pod_uid-1', 'app', '0.log'));
    mkdirSync(join(dir, 'ns_pod_uid-1', 'app'), { recursive: true });
    for (const a of [0, 2, 10]) writeFileSync(containerLogPath(dir, 'ns', 'pod', 'uid-1', 'app', a), '');
    writeFileSync(`${containerLogPath(dir, 'ns', 'pod', 'uid-1', 'app', 2)}.20240101-000000`, '');
    assert.deepEqual(logAttempts(join(dir, 'ns_pod_uid-1', 'app')), [0, 2, 10]);
    assert.deepEqual(logAttempts(join(dir, 'absent')), []);
  });
});

describe('LogRotator', () => {
  function fakeRuntime(logPath: string, opts: { failReopen?: boolean } = {}) {
    const reopened: string[] = [];
    const status: ContainerStatus = {
      id: 'c1',
      podSandboxId: 's1',
      metadata: { name: 'app', attempt: 0 },
      image: 'img',
      imageRef: 'img',
      state: 'CONTAINER_RUNNING',
      createdAt: 0,
      labels: {},
      annotations: {},
      startedAt: 1,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      logPath,
    };
    const runtime: RotatorRuntime = {
      listContainers: async () => [status as Container],
      containerStatus: async () => status,
      reopenContainerLog: async (id) => {
        if (opts.failReopen) throw new Error('reopen failed');
        reopened.push(id);
        writeFileSync(logPath, '');
      },
    };
    return { runtime, reopened };
  }

  test('rotates past maxSize, compresses older files, keeps maxFiles', async () => {
    const cdir = join(dir, 'rot');
    mkdirSync(cdir);
    const logPath = join(cdir, '0.log');
    writeFileSync(logPath, 'small\n');
    const { runtime, reopened } = fakeRuntime(logPath);
    let clock = Date.UTC(2024, 0, 1, 12, 0, 0);
    const rotator = new LogRotator({ runtime, maxSize: 100, maxFiles: 3, now: () => clock });
    await rotator.rotateAll();
    assert.deepEqual(reopened, []);
    for (let i = 0; i < 4; i++) {
      writeFileSync(logPath, `round ${i} ${'y'.repeat(120)}\n`);
      clock += 1000;
      await rotator.rotateAll();
    }
    assert.equal(reopened.length, 4);
    const names = readdirSync(cdir).sort();
    // maxFiles 3: the live file, the newest rotated (plain), one older (gzipped).
    assert.equal(names.length, 3, names.join(','));
    assert.equal(names[0], '0.log');
    const gz = names.find((x) => x.endsWith('.gz'))!;
    const plain = names.find((x) => x !== '0.log' && !x.endsWith('.gz'))!;
    assert.match(gunzipSync(readFileSync(join(cdir, gz))).toString(), /^round 2 /);
    assert.match(readFileSync(join(cdir, plain), 'utf8'), /^round 3 /);
    assert.equal(readFileSync(logPath, 'utf8'), '');
  });

  test('logs outside logsDir are never touched', async () => {
    const cdir = join(dir, 'rot3');
    mkdirSync(cdir);
    const logPath = join(cdir, '0.log');
    writeFileSync(logPath, 'z'.repeat(200));
    const { runtime, reopened } = fakeRuntime(logPath);
    await new LogRotator({ runtime, maxSize: 100, logsDir: join(dir, 'elsewhere') }).rotateAll();
    assert.deepEqual(reopened, []);
    assert.deepEqual(readdirSync(cdir), ['0.log']);
    await new LogRotator({ runtime, maxSize: 100, logsDir: dir }).rotateAll();
    assert.deepEqual(reopened, ['c1']);
  });

  test('a failed reopen puts the log back', async () => {
    const cdir = join(dir, 'rot2');
    mkdirSync(cdir);
    const logPath = join(cdir, '0.log');
    writeFileSync(logPath, 'z'.repeat(200));
    const { runtime } = fakeRuntime(logPath, { failReopen: true });
    const rotator = new LogRotator({ runtime, maxSize: 100 });
    await assert.rejects(rotator.rotateIfNeeded('c1', logPath), /reopen failed/);
    assert.deepEqual(readdirSync(cdir), ['0.log']);
    assert.equal(readFileSync(logPath, 'utf8').length, 200);
  });
});
