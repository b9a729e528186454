package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Budget bounds the work validation and execution can be asked to do, measured on the parsed
// document before any validation rule runs (the overlapping-fields rule is quadratic in the
// fields sharing a response name, so it must never see an unbounded selection set).
type Budget struct {
	// MaxRepeats is how often one response name may appear in one selection set, counting
	// the fields that fragments merge into it.
	MaxRepeats int
	// MaxFieldsPerSet bounds the fields of one selection set after fragments merge into it.
	MaxFieldsPerSet int
	// MaxSelections bounds the fields of the whole operation with every fragment expanded.
	MaxSelections int
}

// DefaultBudgets are the production budgets for callers with a key and for anonymous ones.
func DefaultBudgets() (keyed, anonymous Budget) {
	return Budget{MaxRepeats: 8, MaxFieldsPerSet: 200, MaxSelections: 2000},
		Budget{MaxRepeats: 4, MaxFieldsPerSet: 60, MaxSelections: 300}
}

// operationBudget refuses an operation over its caller's budget with QUERY_TOO_COMPLEX.
type operationBudget struct {
	keyed, anonymous Budget
	tokenLimit       int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = operationBudget{}

func (operationBudget) ExtensionName() string                   { return "OperationBudget" }
func (operationBudget) Validate(graphql.ExecutableSchema) error { return nil }

func (b operationBudget) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" {
		return nil // the executor answers a missing query itself
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, b.tokenLimit)
	if err != nil {
		return nil // the executor parses again and reports the error
	}
	budget := b.keyed
	if ActorFrom(ctx).IsAnonymous() {
		budget = b.anonymous
	}
	return budget.check(doc)
}

// check walks every operation and fragment once, memoizing each fragment's expansion.
func (b Budget) check(doc *ast.QueryDocument) *gqlerror.Error {
	c := budgetCounter{budget: b, doc: doc, memo: map[string]int{}, merged: map[string][]*ast.Field{}}
	for _, op := range doc.Operations {
		if n := c.set(op.SelectionSet); c.err != nil {
			return c.err
		} else if n > b.MaxSelections {
			return tooComplex("the operation selects %d fields once its fragments are expanded; the limit is %d", n, b.MaxSelections)
		}
	}
	return c.err
}

type budgetCounter struct {
	budget Budget
	doc    *ast.QueryDocument
	memo   map[string]int // a fragment's expanded field count
	merged map[string][]*ast.Field
	err    *gqlerror.Error
}

// set returns the fields under a selection set with fragments expanded (saturating just above
// the limit), after checking the set's own merged fields.
func (c *budgetCounter) set(set ast.SelectionSet) int {
	if c.err != nil {
		return 0
	}
	visits := 0
	fields := c.flatten(set, nil, 0, &visits)
	if len(fields) > c.budget.MaxFieldsPerSet || visits > 4*c.budget.MaxFieldsPerSet {
		c.err = tooComplex("a selection set holds more than %d fields; the limit is %d", c.budget.MaxFieldsPerSet, c.budget.MaxFieldsPerSet)
		return 0
	}
	seen := map[string]int{}
	for _, f := range fields {
		name := f.Alias
		if name == "" {
			name = f.Name
		}
		if seen[name]++; seen[name] > c.budget.MaxRepeats {
			c.err = tooComplex("the field %q is selected more than %d times in one selection set", name, c.budget.MaxRepeats)
			return 0
		}
	}
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total += 1 + c.set(sel.SelectionSet)
		case *ast.InlineFragment:
			total += c.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			total += c.fragment(sel.Name)
		}
		if c.err != nil {
			return 0
		}
		if total > c.budget.MaxSelections {
			return total
		}
	}
	return total
}

// flatten lists the fields a selection set holds once its fragments merge into it, stopping
// just above the per-set limit or after too many selections visited (fragments that only
// spread other fragments); depth guards against fragment cycles, which validation refuses.
func (c *budgetCounter) flatten(set ast.SelectionSet, out []*ast.Field, depth int, visits *int) []*ast.Field {
	if depth > 32 {
		return out
	}
	for _, sel := range set {
		if *visits++; len(out) > c.budget.MaxFieldsPerSet || *visits > 4*c.budget.MaxFieldsPerSet {
			return out
		}
		switch sel := sel.(type) {
		case *ast.Field:
			out = append(out, sel)
		case *ast.InlineFragment:
			out = c.flatten(sel.SelectionSet, out, depth+1, visits)
		case *ast.FragmentSpread:
			if def := c.doc.Fragments.ForName(sel.Name); def != nil {
				out = c.flatten(def.SelectionSet, out, depth+1, visits)
			}
		}
	}
	return out
}

func (c *budgetCounter) fragment(name string) int {
	if n, ok := c.memo[name]; ok {
		return n
	}
	c.memo[name] = 0 // a cycle counts nothing here; validation refuses it
	n := 0
	if def := c.doc.Fragments.ForName(name); def != nil {
		n = c.set(def.SelectionSet)
	}
	c.memo[name] = n
	return n
}
