// Compares the API's schema with the last released one (schema.released.graphql) using
// @graphql-inspector/core's diff, and fails on each breaking change that CHANGELOG.md's newest
// section (from its first "## " heading to the next) does not name in backquotes by its schema
// coordinate: `Type.field`, `Type.field(argument:)`, `Enum.VALUE`, `Input.field`, `Type`.
//
//   node schema-diff.mjs ROOT            check (make test)
//   node schema-diff.mjs ROOT --update   record the current schema as the released one
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { diff, CriticalityLevel } from '@graphql-inspector/core';

// A diff path is "Type", "Type.field", "Type.field.argument" or "Enum.VALUE"; the changelog
// names an argument as "Type.field(argument:)".
export function coordinate(path) {
  const parts = (path ?? '').split('.');
  return parts.length === 3 ? `${parts[0]}.${parts[1]}(${parts[2]}:)` : parts.join('.');
}

// The changelog's newest section: from its first "## " heading to the next.
export function newestSection(text) {
  const start = text.indexOf('\n## ');
  if (start < 0) return '';
  const rest = text.slice(start + 4);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

// The breaking changes from oldSDL to newSDL that the changelog's newest section does not
// name, as "coordinate: what changed".
export async function unnamedBreaking(oldSDL, newSDL, changelog) {
  const named = new Set([...newestSection(changelog).matchAll(/`([A-Za-z_][A-Za-z0-9_.():]*)`/g)].map((m) => m[1]));
  const changes = await diff(buildSchema(oldSDL), buildSchema(newSDL));
  return changes
    .filter((c) => c.criticality.level === CriticalityLevel.Breaking && !named.has(coordinate(c.path)))
    .map((c) => `${coordinate(c.path)}: ${c.message}`);
}

// The schema files as gqlgen.yml lists them: the root file, then graph/schema/*.graphqls.
function currentSDL(root) {
  const dir = join(root, 'graph/schema');
  const files = [join(root, 'schema.graphqls'),
    ...readdirSync(dir).filter((f) => f.endsWith('.graphqls')).sort().map((f) => join(dir, f))];
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = process.argv[2];
  const released = join(root, 'schema.released.graphql');
  if (process.argv.includes('--update')) {
    writeFileSync(released, printSchema(lexicographicSortSchema(buildSchema(currentSDL(root)))));
    process.exit(0);
  }
  const unnamed = await unnamedBreaking(readFileSync(released, 'utf8'), currentSDL(root), readFileSync(join(root, 'CHANGELOG.md'), 'utf8'));
  for (const u of unnamed) console.error(`breaking change not named in CHANGELOG.md's newest section: ${u}`);
  process.exit(unnamed.length ? 1 : 0);
}
