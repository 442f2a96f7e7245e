import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Which workspace packages each package's source may import; `dev` adds what its tests may import.
 * Dependencies point one way: contracts and the run format at the bottom, the services on
 * contracts, stack and chaos above them, the harness above those, reports reading the run format.
 */
const allowed: Record<string, { src: string[]; dev?: string[] }> = {
  '@flux-gate/contracts': { src: [] },
  '@flux-gate/run-format': { src: [] },
  '@flux-gate/stack': { src: [] },
  '@flux-gate/ingestion-api': { src: ['@flux-gate/contracts'], dev: ['@flux-gate/stack'] },
  '@flux-gate/inventory-worker': { src: ['@flux-gate/contracts'], dev: ['@flux-gate/stack'] },
  '@flux-gate/chaos': { src: ['@flux-gate/run-format'], dev: ['@flux-gate/stack'] },
  '@flux-gate/reports': { src: ['@flux-gate/run-format'] },
  '@flux-gate/harness': { src: ['@flux-gate/contracts', '@flux-gate/run-format', '@flux-gate/stack', '@flux-gate/chaos', '@flux-gate/reports', '@flux-gate/ingestion-api'] },
  '@flux-gate/scenarios': { src: [] },
};

interface Pkg {
  name: string;
  dir: string;
  deps: Set<string>;
  devDeps: Set<string>;
  exports: Set<string>;
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const packages: Pkg[] = (json(join(repo, 'package.json')).workspaces as string[]).map((w) => {
  const p = json(join(repo, w, 'package.json')) as { name: string; dependencies?: object; devDependencies?: object; exports?: Record<string, string> };
  return { name: p.name, dir: join(repo, w), deps: new Set(Object.keys(p.dependencies ?? {})), devDeps: new Set(Object.keys(p.devDependencies ?? {})), exports: new Set(Object.keys(p.exports ?? {})) };
});
const byName = new Map(packages.map((p) => [p.name, p]));

/** The package a file belongs to: the one with the deepest folder holding it. */
const owner = (file: string) =>
  packages.filter((p) => file.startsWith(p.dir + sep)).sort((a, b) => b.dir.length - a.dir.length)[0];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

/** Every import that breaks a rule, as "file: what is wrong". */
function boundaryViolations(): string[] {
  const problems: string[] = [];
  for (const pkg of packages) {
    for (const file of sourceFiles(pkg.dir)) {
      if (owner(file) !== pkg) continue; // a nested package's file is checked as its own
      const isTest = relative(pkg.dir, file).split(sep).includes('test');
      const where = relative(repo, file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (owner(target) !== pkg) problems.push(`${where}: '${spec}' reaches into another package; import its public entry instead`);
          continue;
        }
        const ws = spec.match(/^(@flux-gate\/[^/]+)(\/.*)?$/);
        if (!ws) continue;
        const [, name, sub] = ws as unknown as [string, string, string | undefined];
        const target = byName.get(name);
        if (!target) {
          problems.push(`${where}: '${spec}' is no workspace package`);
          continue;
        }
        const rule = allowed[pkg.name];
        const may = [...(rule?.src ?? []), ...(isTest ? (rule?.dev ?? []) : [])];
        if (!may.includes(name)) problems.push(`${where}: ${pkg.name} may not import ${name}`);
        const declared = pkg.deps.has(name) || (isTest && pkg.devDeps.has(name));
        if (!declared) problems.push(`${where}: ${name} is imported but not declared in ${relative(repo, pkg.dir)}/package.json`);
        if (!target.exports.has(sub ? `.${sub}` : '.')) problems.push(`${where}: '${spec}' is not a public entry of ${name}`);
      }
    }
  }
  return problems;
}

describe('package boundaries', () => {
  it('every package has a rule', () => {
    expect(packages.map((p) => p.name).filter((n) => !(n in allowed))).toEqual([]);
  });

  it('every import goes through a public entry, is declared, and points the allowed way', () => {
    expect(boundaryViolations()).toEqual([]);
  });

  it('the check sees the imports it judges', () => {
    // A check that reads no import would pass anything: the harness does import the run format.
    const runner = readFileSync(join(repo, 'harness/src/runner/checkRun.ts'), 'utf8');
    expect(runner).toMatch(/from '@flux-gate\/run-format'/);
    expect(existsSync(join(repo, 'harness/run-format/package.json'))).toBe(true);
  });
});
