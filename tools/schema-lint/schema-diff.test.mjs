// Tests of schema-diff.mjs (node --test; run by scripts/schema-lint.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coordinate, newestSection, unnamedBreaking } from './schema-diff.mjs';

const base = `
type Query { orders(first: Int, status: Status): [Order!]! order(id: ID!): Order }
type Order { id: ID! amount: String! total: String }
enum Status { OPEN PAID }
input OrderInput { amount: String, note: String }
type Mutation { createOrder(input: OrderInput!): Order }
`;

test('coordinates name arguments as Type.field(argument:)', () => {
  assert.equal(coordinate('Query.jobs.state'), 'Query.jobs(state:)');
  assert.equal(coordinate('Quote.midRate'), 'Quote.midRate');
  assert.equal(coordinate('Status'), 'Status');
});

test('the newest section runs from the first "## " heading to the next', () => {
  assert.equal(newestSection('# C\n\n## 2.0.0\n\n- `A.b`\n\n## 1.0.0\n\n- `C.d`\n'), '2.0.0\n\n- `A.b`\n');
  assert.equal(newestSection('# C\n'), '');
});

test('additions and description changes are not breaking', async () => {
  const next = base.replace('total: String }', 'total: String "new" paidAt: String }').replace('OPEN PAID', 'OPEN PAID CANCELLED');
  assert.deepEqual(await unnamedBreaking(base, next, ''), []);
});

test('removals, retypes and new required inputs are breaking unless the newest section names them', async () => {
  const next = base
    .replace('amount: String! total: String', 'total: Int')
    .replace('status: Status', '')
    .replace('OPEN PAID', 'OPEN')
    .replace('note: String', 'note: String!');
  const all = (await unnamedBreaking(base, next, '')).map((u) => u.slice(0, u.indexOf(': ')));
  for (const c of ['Order.amount', 'Order.total', 'Query.orders(status:)', 'Status.PAID', 'OrderInput.note']) {
    assert.ok(all.includes(c), `${c} in ${all}`);
  }
  const notes = '# Changelog\n\n## 2.0.0\n\n- `Order.amount`, `Order.total`, `Query.orders(status:)`, `Status.PAID`, `OrderInput.note`.\n\n## 1.0.0\n\n- `Order.id`\n';
  assert.deepEqual(await unnamedBreaking(base, next, notes), []);
  const older = '# Changelog\n\n## 2.0.0\n\n- nothing\n\n## 1.0.0\n\n- `Order.amount`\n';
  assert.ok((await unnamedBreaking(base, next, older)).some((u) => u.startsWith('Order.amount:')));
});
