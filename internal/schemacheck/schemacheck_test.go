package schemacheck

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

var update = flag.Bool("update", false, "record the current schema as the released one")

// The API's schema files (as gqlgen.yml lists them), the released snapshot and the changelog,
// relative to this package.
var (
	schemaFiles = []string{"../../schema.graphqls", "../../graph/schema/*.graphqls"}
	released    = "../../schema.released.graphql"
	changelog   = "../../CHANGELOG.md"
)

// TestReleasedSchema fails on each breaking change from the released schema that the
// changelog's newest section does not name. With -update (make schema-snapshot) it records
// the current schema as the released one instead.
func TestReleasedSchema(t *testing.T) {
	current, err := Load(schemaFiles...)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(released, []byte(Print(current)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Parallel()
	text, err := os.ReadFile(released)
	if err != nil {
		t.Fatal(err)
	}
	old, err := Parse(&ast.Source{Name: released, Input: string(text)})
	if err != nil {
		t.Fatal(err)
	}
	if Print(old) != string(text) {
		t.Errorf("%s is not in canonical form: write it with make schema-snapshot", released)
	}
	notes, err := os.ReadFile(changelog)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Unnamed(string(notes), Breaking(old, current)) {
		t.Errorf("breaking change not named in CHANGELOG.md's newest section: %s", c)
	}
}

func TestBreaking(t *testing.T) {
	t.Parallel()
	const base = `
		interface Node { id: ID! }
		type Query { order(id: ID!): Order, orders(first: Int): [Order!]! }
		type Order implements Node { id: ID! amount: String! note: String status: Status! }
		enum Status { OPEN PAID }
		input PayInput { orderId: ID! note: String }
		type Mutation { pay(input: PayInput!): Order }
		union Thing = Order`
	tests := []struct {
		name string
		from string
		to   string
		want []string // coordinates
	}{
		{"nothing changed", "", "", nil},
		{"field added", "status: Status!", "status: Status! paidAt: String", nil},
		{"enum value added", "enum Status { OPEN PAID }", "enum Status { OPEN PAID REFUNDED }", nil},
		{"optional argument added", "orders(first: Int)", "orders(first: Int, after: String)", nil},
		{"optional input field added", "input PayInput { orderId: ID! note: String }", "input PayInput { orderId: ID! note: String key: String }", nil},
		{"output made non-null", "note: String", "note: String!", nil},
		{"input made nullable", "orderId: ID! note", "orderId: ID note", nil},
		{"deprecated, not removed", "note: String", `note: String @deprecated(reason: "gone soon")`, nil},
		{"field removed", "amount: String! note", "note", []string{"Order.amount"}},
		{"field type changed", "amount: String!", "amount: Int!", []string{"Order.amount"}},
		{"output made nullable", "amount: String!", "amount: String", []string{"Order.amount"}},
		{"list became a single value", "orders(first: Int): [Order!]!", "orders(first: Int): Order!", []string{"Query.orders"}},
		{"enum value removed", "enum Status { OPEN PAID }", "enum Status { OPEN }", []string{"Status.PAID"}},
		{"argument removed", "orders(first: Int)", "orders", []string{"Query.orders(first:)"}},
		{"required argument added", "orders(first: Int)", "orders(first: Int, status: Status!)", []string{"Query.orders(status:)"}},
		{"argument type changed", "orders(first: Int)", "orders(first: String)", []string{"Query.orders(first:)"}},
		{"input made non-null", "note: String }", "note: String! }", []string{"PayInput.note"}},
		{"required input field added", "input PayInput { orderId: ID! note: String }", "input PayInput { orderId: ID! note: String key: String! }", []string{"PayInput.key"}},
		{"input field removed", "orderId: ID! note: String }", "orderId: ID! }", []string{"PayInput.note"}},
		{"interface dropped", "type Order implements Node", "type Order", []string{"Order"}},
		{"type removed", "union Thing = Order", "", []string{"Thing"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old := mustParse(t, base)
			changed := strings.Replace(base, tc.from, tc.to, 1)
			if tc.from != "" && changed == base {
				t.Fatalf("%q is not in the base schema", tc.from)
			}
			var got []string
			for _, c := range Breaking(old, mustParse(t, changed)) {
				got = append(got, c.Coordinate)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("breaking %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUnnamed(t *testing.T) {
	t.Parallel()
	changes := []Change{{Coordinate: "Order.amount", What: "field removed"}, {Coordinate: "Query.orders(first:)", What: "argument removed"},
		{Coordinate: "Status.PAID", What: "enum value removed"}}
	notes := "# Changelog\n\n## 2.0.0\n\n- `Order.amount` is now `Order.total`.\n- `Query.orders(first:)` is gone.\n\n" +
		"## 1.0.0\n\n- `Status.PAID` was added.\n"
	got := Unnamed(notes, changes)
	if len(got) != 1 || got[0].Coordinate != "Status.PAID" {
		t.Errorf("unnamed %v, want only Status.PAID (named in an older section only)", got)
	}
}

func TestPrintIsCanonical(t *testing.T) {
	t.Parallel()
	a := mustParse(t, `type Query { b: B a: String } "A b." type B { x: Int }`)
	b := mustParse(t, `"A b."
		type B {
			x: Int
		}
		type Query { b: B, a: String }`)
	if Print(a) != Print(b) {
		t.Errorf("the same schema printed two ways:\n%s\n%s", Print(a), Print(b))
	}
	if again := Print(mustParse(t, Print(a))); again != Print(a) {
		t.Errorf("printing is not stable:\n%s\n%s", Print(a), again)
	}
}

func mustParse(t *testing.T, sdl string) *ast.Schema {
	t.Helper()
	s, err := Parse(&ast.Source{Name: "test.graphqls", Input: sdl})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
