// Compares the API's schema with the last released one (schema.released.graphql) using
// @graphql-inspector/core's diff, and fails on each breaking change that CHANGELOG.md's newest
// section (from its first "## " heading to the next) does not name in backquotes by its schema
// coordinate: `Type.field`, `Type.field(argument:)`, `Enum.VALUE`, `Input.field`, `Type`.
//
//   node schema-diff.mjs ROOT            check (make test)
//   node schema-diff.mjs ROOT --update   record the current schema as the released one
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { diff, CriticalityLevel } from '@graphql-inspector/core';

const root = process.argv[2];
const update = process.argv.includes('--update');
const released = join(root, 'schema.released.graphql');
const changelog = join(root, 'CHANGELOG.md');

// The schema files as gqlgen.yml lists them: the root file, then graph/schema/*.graphqls.
const files = [join(root, 'schema.graphqls'),
  ...readdirSync(join(root, 'graph/schema')).filter((f) => f.endsWith('.graphqls')).sort().map((f) => join(root, 'graph/schema', f))];
const current = buildSchema(files.map((f) => readFileSync(f, 'utf8')).join('\n'));

if (update) {
  writeFileSync(released, printSchema(lexicographicSortSchema(current)));
  process.exit(0);
}

// A diff path is "Type", "Type.field", "Type.field.argument" or "Enum.VALUE"; the changelog
// names an argument as "Type.field(argument:)".
function coordinate(path) {
  const parts = (path ?? '').split('.');
  return parts.length === 3 ? `${parts[0]}.${parts[1]}(${parts[2]}:)` : parts.join('.');
}

function newestSection(text) {
  const start = text.indexOf('\n## ');
  if (start < 0) return '';
  const rest = text.slice(start + 4);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

const named = new Set([...newestSection(readFileSync(changelog, 'utf8')).matchAll(/`([A-Za-z_][A-Za-z0-9_.():]*)`/g)].map((m) => m[1]));
const changes = await diff(buildSchema(readFileSync(released, 'utf8')), current);
const unnamed = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking && !named.has(coordinate(c.path)));
for (const c of unnamed) {
  console.error(`breaking change not named in CHANGELOG.md's newest section: ${coordinate(c.path)}: ${c.message}`);
}
process.exit(unnamed.length ? 1 : 0);
