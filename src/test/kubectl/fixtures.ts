import { join } from 'node:path';

/** Seed manifests under test/fixtures/seeds (tests run from the repository root). */
export function seed(name: string): string {
  return join(process.cwd(), 'test', 'fixtures', 'seeds', name);
}
