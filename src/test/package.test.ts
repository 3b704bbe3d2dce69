// What `npm pack` would publish: the compiled program and the pause binary, no tests, no test
// helpers (`*.test.js`, `testing/` folders, src/test/), and nothing the program imports left out.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const isTestFile = (path: string): boolean => path.endsWith('.test.js') || path.split('/').includes('testing') || path.startsWith('dist/src/test/');

test('the npm package holds the program without its tests, and every module it imports', async () => {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, maxBuffer: 64 << 20 });
  const files: string[] = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };

  assert.deepEqual(files.filter(isTestFile), []);
  for (const bin of Object.values(pkg.bin)) assert.ok(files.includes(normalize(bin)), `${bin} is packed`);
  assert.ok(files.includes('dist/pause'));

  const packed = new Set(files);
  const missing: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(REPO, file), 'utf8');
    for (const m of code.matchAll(/(?:from\s*|import\s*\(?\s*|new URL\(\s*)'(\.{1,2}\/[^']+\.js)'/g)) {
      const target = join(dirname(file), m[1]!);
      if (!packed.has(target)) missing.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(missing, []);
});
