import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeCriLogLine } from '../logs/index.js';
import type { ContainerStatus } from '../runtime.js';
import { terminationMessage } from './termination-message.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-termmsg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function exited(exitCode: number, policy: string, logPath?: string, message = ''): ContainerStatus {
  return {
    id: 'c1',
    podSandboxId: 's1',
    metadata: { name: 'app', attempt: 0 },
    image: 'busybox',
    imageRef: 'sha256:1',
    state: 'CONTAINER_EXITED',
    createdAt: 1,
    labels: {},
    annotations: { 'io.kubernetes.container.terminationMessagePolicy': policy },
    startedAt: 1,
    finishedAt: 2,
    exitCode,
    reason: exitCode ? 'Error' : 'Completed',
    message,
    logPath,
  };
}

describe('termination message', () => {
  it('reads what the container wrote to its terminationMessagePath, after the runtime message', async () => {
    const file = join(dir, 'written');
    writeFileSync(file, 'Sleep expired');
    assert.equal(await terminationMessage(exited(0, 'File'), file), 'Sleep expired');
    assert.equal(await terminationMessage(exited(1, 'File', undefined, 'oom'), file), 'oom: Sleep expired');
  });

  it('keeps only the last 4096 bytes of the file', async () => {
    const file = join(dir, 'long');
    writeFileSync(file, 'x'.repeat(5000) + 'END');
    const m = await terminationMessage(exited(0, 'File'), file);
    assert.equal(m.length, 4096);
    assert.ok(m.endsWith('END'));
  });

  it('falls back to the log tail only for a failed container with an empty file and FallbackToLogsOnError', async () => {
    const file = join(dir, 'empty');
    writeFileSync(file, '');
    const log = join(dir, 'app.log');
    writeFileSync(log, encodeCriLogLine(1000, 'stdout', 'starting') + encodeCriLogLine(2000, 'stderr', 'panic: boom'));
    assert.equal(await terminationMessage(exited(2, 'FallbackToLogsOnError', log), file), 'starting\npanic: boom\n');
    assert.equal(await terminationMessage(exited(0, 'FallbackToLogsOnError', log), file), '');
    assert.equal(await terminationMessage(exited(2, 'File', log), file), '');
  });
});
