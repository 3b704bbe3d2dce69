// scripts/lint-layers.mjs on tiny source trees: a clean tree passes; a circle, an import the layer
// table forbids (type-only or not) and shipped code importing test code are each one line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const trees: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-lint-layers-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function lint(root: string): { code: number | null; lines: string[] } {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts/lint-layers.mjs'), '.'], { cwd: root, encoding: 'utf8' });
  return { code: r.status, lines: r.stdout.split('\n').filter((l) => l !== '') };
}

const clean = {
  'util/time.ts': `export const now = (): string => new Date().toISOString();\n`,
  'api/meta.ts': `import { now } from '../util/time.js';\nexport const stamp = now;\n`,
  'client/rest.ts': `import type { } from '../api/meta.js';\nexport class Rest {}\n`,
  'kubelet/agent.ts': `import {\n  Rest,\n} from '../client/rest.js';\nimport { stamp } from '../api/meta.js';\nexport const a = [Rest, stamp];\n`,
  'kubelet/agent.test.ts': `import '../cluster/boot.js';\nimport '../scheduler/run.js';\n`,
  'kubelet/testing/fake.ts': `import { boot } from '../../cluster/boot.js';\nexport const f = boot;\n`,
  'test/harness.ts': `import { boot } from '../cluster/boot.js';\nexport const h = boot;\n`,
  'scheduler/run.ts': `// import { a } from '../kubelet/agent.js';\nexport const run = 'import x from "../kubelet/agent.js"';\n`,
  'cluster/boot.ts': `import { a } from '../kubelet/agent.js';\nimport { run } from '../scheduler/run.js';\nexport const boot = () => [a, run, import('../cli/main.js')];\n`,
  'cli/main.ts': `export * from '../kubelet/agent.js';\n`,
};

describe('lint-layers', () => {
  after(() => {
    for (const t of trees) rmSync(t, { recursive: true, force: true });
  });

  test('a tree that keeps the table passes (tests, testing/ and test/ reach across; comments and strings are no imports)', () => {
    const r = lint(tree(clean));
    assert.equal(r.code, 0, r.lines.join('\n'));
    assert.deepEqual(r.lines, [`lint-layers: .: no violations`]);
  });

  test('a circle, forbidden imports and shipped code importing a test helper are one line each, and the exit is 1', () => {
    const r = lint(
      tree({
        ...clean,
        'util/time.ts': `import type { stamp } from '../api/meta.js';\nexport const now = (): string => new Date().toISOString();\n`,
        'api/meta.ts': `import { now } from '../util/time.js';\nexport const stamp = now;\n`,
        'kubelet/agent.ts': `import { run } from '../scheduler/run.js';\nimport { f } from './testing/fake.js';\nexport const a = [run, f];\n`,
        'scheduler/run.ts': `export const run = 1;\n`,
      }),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(r.lines.sort(), [
      `api/meta.ts: imports '../util/time.js': import circle api/meta.ts -> util/time.ts -> api/meta.ts`,
      `kubelet/agent.ts: imports '../scheduler/run.js': kubelet/ may not import scheduler/ (kubelet/ may import api, client, util)`,
      `kubelet/agent.ts: imports './testing/fake.js': shipped code may not import test code (kubelet/testing/fake.ts)`,
      `util/time.ts: imports '../api/meta.js': util/ may not import api/ (util/ may import nothing of ours)`,
    ]);
  });
});
