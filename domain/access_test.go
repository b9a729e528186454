package domain

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

var (
	operator = Actor{KeyID: "k-op", Role: RoleOperator}
	partner  = Actor{KeyID: "k-p", Role: RolePartner, PartnerID: "p1"}
	account  = Actor{KeyID: "k-a", Role: RoleAccount, AccountID: "a1"}
)

// TestCanFollowsTheAccessTable: each role is allowed exactly what its row lists, refusals
// carry the codes and messages clients see, and the anonymous caller is refused everything.
func TestCanFollowsTheAccessTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		actor   Actor
		act     Action
		code    ErrorCode // "" when allowed
		message string
	}{
		{operator, ActCreateAccount, "", ""},
		{partner, ActCreateAccount, CodeForbidden, "your API key may not create accounts"},
		{account, ActTopUp, CodeForbidden, "your API key may not top up accounts"},
		{Anonymous, ActCreateAccount, CodeUnauthenticated, Unauthenticated.Message},
		{Anonymous, ActReadAccount, CodeUnauthenticated, Unauthenticated.Message},
		{partner, ActReadAccount, "", ""}, // allowed: its Scope reaches no account
		{operator, ActCreateOrder, CodeForbidden, "your API key may not create orders (a PARTNER key is needed)"},
		{account, ActUpsertMember, CodeForbidden, "your API key may not register marketplace members (a PARTNER key is needed)"},
		{partner, ActCreateOrder, "", ""},
		{partner, ActCreateQuote, CodeForbidden, "your API key may not act for an account"},
		{account, ActCreateQuote, "", ""},
		{partner, ActExecuteQuote, CodeForbidden, "your API key may not execute quotes"},
		{account, ActRefundOrder, CodeForbidden, "your API key may not refund orders"},
		{account, ActConfirmReceipt, CodeForbidden, "your API key may not confirm receipt (the marketplace does)"},
		{operator, ActRefundOrder, "", ""},
		{account, ActPartnerSummary, CodeForbidden, "your API key may not read a partner summary"},
		{partner, ActFollowPartnerEvents, "", ""},
		{account, ActFollowPartnerEvents, CodeForbidden, "your API key may not follow partner events (a PARTNER key is needed)"},
		{operator, ActListWebhookEndpoints, "", ""},
		{operator, ActReadWebhookEndpoint, "", ""},
		{operator, ActListWebhookDeliveries, "", ""},
		{account, ActListWebhookEndpoints, CodeForbidden, "your API key may not read webhook endpoints"},
		{account, ActReadWebhookEndpoint, CodeNotFound, "webhook endpoint not found"},
		{partner, ActReadWebhookEndpoint, "", ""},
		{partner, ActSetSandboxClock, CodeForbidden, "your API key may not set the sandbox clock"},
		{partner, ActRetryJob, CodeForbidden, "your API key may not retry jobs"},
	}
	for _, tt := range tests {
		err := tt.actor.Can(tt.act)
		if CodeOf(err) != tt.code {
			t.Errorf("%s %s: got %v, want %q", tt.actor.Principal(), tt.act, err, tt.code)
			continue
		}
		var e *Error
		if tt.code != "" && (!errors.As(err, &e) || e.Message != tt.message) {
			t.Errorf("%s %s: got %v, want the message %q", tt.actor.Principal(), tt.act, err, tt.message)
		}
	}
}

// TestAnActionMissingFromTheTableIsRefused: deny by default, to operators too.
func TestAnActionMissingFromTheTableIsRefused(t *testing.T) {
	t.Parallel()
	unlisted := Action("DropAllAccounts")
	if _, ok := access[unlisted]; ok {
		t.Fatalf("%s is in the access table", unlisted)
	}
	for _, a := range []Actor{operator, partner, account} {
		if err := a.Can(unlisted); CodeOf(err) != CodeForbidden {
			t.Errorf("%s may %s: got %v, want FORBIDDEN", a.Principal(), unlisted, err)
		}
	}
	if err := Anonymous.Can(unlisted); CodeOf(err) != CodeUnauthenticated {
		t.Errorf("anonymous may %s: got %v, want UNAUTHENTICATED", unlisted, err)
	}
}

// parseDomain parses the package's non-test sources.
func parseDomain(t *testing.T) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	return fset, files
}

// TestEveryActionHasARowAndIsChecked: the table is the one place to read who may do what,
// so every Action constant has a row with at least one role, and every row is asked for by
// some operation (no row describes a check that nothing makes).
func TestEveryActionHasARowAndIsChecked(t *testing.T) {
	t.Parallel()
	_, files := parseDomain(t)
	declared := map[string]Action{}
	for _, d := range files["access.go"].Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if typ, ok := vs.Type.(*ast.Ident); !ok || typ.Name != "Action" {
				continue
			}
			for i, name := range vs.Names {
				lit := vs.Values[i].(*ast.BasicLit)
				declared[name.Name] = Action(strings.Trim(lit.Value, `"`))
			}
		}
	}
	if len(declared) == 0 {
		t.Fatal("no Action constants found in access.go")
	}
	values := map[Action]string{}
	for name, act := range declared {
		if other, dup := values[act]; dup {
			t.Errorf("%s and %s are both %q", name, other, act)
		}
		values[act] = name
		r, ok := access[act]
		if !ok {
			t.Errorf("%s has no row in the access table", name)
			continue
		}
		if len(r.who) == 0 {
			t.Errorf("%s: no role may perform it", name)
		}
		if len(r.who) < len(anyKey) && r.refusal == "" && r.hidden == "" {
			t.Errorf("%s: refused roles get no message", name)
		}
	}
	if len(access) != len(declared) {
		t.Errorf("the access table has %d rows for %d Action constants", len(access), len(declared))
	}
	used := map[string]bool{}
	for name, f := range files {
		if name == "access.go" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	for name := range declared {
		if !used[name] {
			t.Errorf("%s has a row but no operation checks it", name)
		}
	}
}

// TestEveryOperationOfAnActorIsChecked: each exported Service method taking an Actor asks
// actor.Can, or passes the actor on to a Service method that does.
func TestEveryOperationOfAnActorIsChecked(t *testing.T) {
	t.Parallel()
	fset, files := parseDomain(t)
	methods := 0
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || !isServiceReceiver(fn) || !takesActor(fn) {
				continue
			}
			methods++
			if !checksActor(fn.Body) {
				t.Errorf("%s: Service.%s takes an Actor but neither calls actor.Can nor passes the actor to a Service method",
					fset.Position(fn.Pos()), fn.Name.Name)
			}
		}
	}
	if methods < 50 {
		t.Fatalf("found only %d Service methods taking an Actor", methods)
	}
}

func isServiceReceiver(fn *ast.FuncDecl) bool {
	star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Service"
}

func takesActor(fn *ast.FuncDecl) bool {
	for _, p := range fn.Type.Params.List {
		if id, ok := p.Type.(*ast.Ident); ok && id.Name == "Actor" {
			return true
		}
	}
	return false
}

// checksActor reports whether body calls actor.Can(…) or s.<method>(…, actor, …).
func checksActor(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		recv, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		switch {
		case recv.Name == "actor" && sel.Sel.Name == "Can":
			found = true
		case recv.Name == "s":
			for _, arg := range call.Args {
				if id, ok := arg.(*ast.Ident); ok && id.Name == "actor" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}
