/**
 * The one direction imports may point (docs/architecture.md): handlers -> capabilities ->
 * store, mail and keys; pages are rendered by handlers (and the pipeline's error page) only;
 * nothing imports a handler; and no import cycle anywhere in lambdas/ or lib/. The demo partner
 * (demo/) stands for a partner's own site: it imports nothing of Verity.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../lib/local/config.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = ['lambdas', 'lib', 'bin', 'demo'].flatMap((d) => sourceFiles(join(projectRoot, d)));
const rel = (path: string) => relative(projectRoot, path);

/** Relative imports of a file, resolved to project paths (type-only imports included: they bind too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  );
  return specifiers.map((s) => rel(resolve(dirname(file), s)));
}

const graph = new Map(files.map((f) => [rel(f), importsOf(f)]));

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const layerOf = (path: string): string => {
  const [top, second] = path.split('/');
  if (top !== 'lambdas') return top as string;
  return second === undefined ? 'lambdas' : (second as string);
};

const CAPABILITIES = ['accounts', 'emails', 'mfa', 'sessions', 'limits', 'oidc', 'partners'];
const ADAPTERS = ['store', 'mail', 'keys'];
/**
 * Shapes that a capability owns and its store keeps: data only, importing nothing, so an adapter
 * that names one reaches no rule of the capability. The partner shape (RFC 7591 metadata and
 * Verity's policy) is written by the partner admin API and read by the OIDC provider.
 */
const SHARED_SHAPES = ['lambdas/partners/partner.ts'];

function violations(rule: (from: string, to: string) => boolean): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) if (graph.has(to) && rule(from, to)) found.push(`${from} -> ${to}`);
  }
  return found;
}

describe('imports', () => {
  it('form no cycle among lambdas/, lib/, bin/ and demo/', () => {
    expect(cycles()).toEqual([]);
  });

  it('never reach into a handler from outside its own folder', () => {
    const found = violations((from, to) => {
      if (layerOf(to) !== 'handlers') return false;
      const folder = to.split('/').slice(0, 3).join('/');
      return !from.startsWith(`${folder}/`) && from !== to;
    });
    expect(found).toEqual([]);
  });

  it('render pages from handlers only (and the pipeline its error page)', () => {
    const found = violations(
      (from, to) =>
        layerOf(to) === 'pages' &&
        !['handlers', 'pages'].includes(layerOf(from)) &&
        !(layerOf(from) === 'http' && to === 'lambdas/pages/error.tsx'),
    );
    expect(found).toEqual([]);
  });

  it('keep capabilities free of HTTP: no capability imports http/, handlers/ or pages/', () => {
    const found = violations(
      (from, to) =>
        CAPABILITIES.includes(layerOf(from)) && ['http', 'handlers', 'pages'].includes(layerOf(to)),
    );
    expect(found).toEqual([]);
  });

  it('keep store, mail and keys below the capabilities: they import none of them but shared shapes', () => {
    const found = violations(
      (from, to) =>
        ADAPTERS.includes(layerOf(from)) &&
        [...CAPABILITIES, 'http', 'handlers', 'pages'].includes(layerOf(to)) &&
        !SHARED_SHAPES.includes(to),
    );
    expect(found).toEqual([]);
  });

  it('keep shared shapes data only: they import nothing', () => {
    for (const shape of SHARED_SHAPES) {
      expect(graph.has(shape), shape).toBe(true);
      expect(graph.get(shape), shape).toEqual([]);
    }
  });

  it('keep the demo partner apart: demo/ imports nothing outside demo/', () => {
    const found = violations((from, to) => layerOf(from) === 'demo' && layerOf(to) !== 'demo');
    expect(found).toEqual([]);
  });
});
