package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bounds what one operation may ask for.
type Limits struct {
	MaxDepth      int // nesting of data selections
	MaxTotalDepth int // nesting including introspection's own fields (whose type refs nest deeply)
	MaxAliases    int
	MaxComplexity int // fields weighted by the page sizes they ask for
}

// queryLimits rejects an operation over a limit with QUERY_TOO_COMPLEX before any resolver runs.
type queryLimits struct {
	Limits
	schema graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &queryLimits{}

func (*queryLimits) ExtensionName() string { return "QueryLimits" }

func (l *queryLimits) Validate(s graphql.ExecutableSchema) error { l.schema = s; return nil }

func (l *queryLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	m := measurer{fragments: oc.Doc.Fragments, memo: map[string]shape{}, cap: l.MaxAliases + 1}
	s := m.selections(oc.Operation.SelectionSet, false)
	switch {
	case s.depth > l.MaxDepth:
		return tooComplex("the operation nests %d levels deep; the limit is %d", s.depth, l.MaxDepth)
	case s.total > l.MaxTotalDepth:
		return tooComplex("the operation nests %d levels deep; the limit is %d", s.total, l.MaxTotalDepth)
	case s.aliases > l.MaxAliases:
		return tooComplex("the operation uses more than %d aliases", l.MaxAliases)
	}
	if c := complexity.Calculate(ctx, l.schema, oc.Operation, oc.Variables); c > l.MaxComplexity {
		return tooComplex("the operation's complexity is %d; the limit is %d (ask for smaller pages)", c, l.MaxComplexity)
	}
	return nil
}

func tooComplex(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": string(domain.CodeQueryTooComplex)}}
}

type shape struct{ depth, total, aliases int }

// measurer computes depth and alias count, memoizing fragments so a fragment used many times
// is walked once (validation has already refused fragment cycles).
type measurer struct {
	fragments ast.FragmentDefinitionList
	memo      map[string]shape
	cap       int
}

// selections measures a selection set; under an introspection field (__schema, __type) every
// level counts toward the total depth only.
func (m *measurer) selections(set ast.SelectionSet, introspection bool) shape {
	var out shape
	for _, sel := range set {
		var s shape
		switch sel := sel.(type) {
		case *ast.Field:
			in := introspection || strings.HasPrefix(sel.Name, "__")
			s = m.selections(sel.SelectionSet, in)
			s.total++
			if !in {
				s.depth++
			}
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases++
			}
		case *ast.InlineFragment:
			s = m.selections(sel.SelectionSet, introspection)
		case *ast.FragmentSpread:
			s = m.fragment(sel.Name, introspection)
		}
		out.depth = max(out.depth, s.depth)
		out.total = max(out.total, s.total)
		out.aliases = min(out.aliases+s.aliases, m.cap)
	}
	return out
}

func (m *measurer) fragment(name string, introspection bool) shape {
	key := fmt.Sprint(name, introspection)
	if s, ok := m.memo[key]; ok {
		return s
	}
	m.memo[key] = shape{} // guards against cycles should validation ever let one through
	var s shape
	if def := m.fragments.ForName(name); def != nil {
		s = m.selections(def.SelectionSet, introspection)
	}
	m.memo[key] = s
	return s
}

// pageWeight is the complexity multiplier of a connection field.
func pageWeight(first *int) int {
	if first == nil {
		return domain.DefaultPageSize
	}
	return min(max(*first, 1), domain.MaxPageSize)
}

// setComplexity weighs connection fields by the page size they ask for.
func setComplexity(c *ComplexityRoot) {
	conn := func(child int, first *int, _ *string) int { return 1 + child*pageWeight(first) }
	c.Query.Accounts = conn
	c.Account.LedgerEntries = conn
	c.Account.Conversions = conn
	c.Account.Payments = conn
	c.Query.FeeStatements = func(child int, _ string, first *int, _ *string) int { return 1 + child*pageWeight(first) }
	c.Query.Orders = func(child int, first *int, _ *string, _ *model.OrderStatus) int { return 1 + child*pageWeight(first) }
	c.Query.Payments = func(child int, first *int, _ *string, _ *model.PaymentFilter) int { return 1 + child*pageWeight(first) }
	c.Query.Payouts = func(child int, first *int, _ *string, _ *model.PayoutFilter) int { return 1 + child*pageWeight(first) }
}
