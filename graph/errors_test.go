package graph

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/kjb/kjb/domain"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestPresentedErrors: what a client sees for each kind of error a request can end with.
func TestPresentedErrors(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	present := presentErrors(log, false)
	tests := []struct {
		name     string
		err      error
		wantCode domain.ErrorCode
		wantMsg  string
	}{
		{"a resolver panic", gqlerror.WrapPath(nil, recoverPanic(log)(ctx, "boom")), domain.CodeInternal, internalMessage},
		{"a store error", gqlerror.WrapPath(nil, markResolverError(errors.New(`ERROR: relation "x" (SQLSTATE 42P01)`))), domain.CodeInternal, internalMessage},
		{"a domain error", gqlerror.WrapPath(nil, domain.NotFound("order", nil)), domain.CodeNotFound, "order not found"},
		{"an argument gqlgen could not coerce", gqlerror.WrapPath(nil, errors.New("first: must be an Int")), domain.CodeInvalidInput, "first: must be an Int"},
	}
	for _, tc := range tests {
		got := present(ctx, tc.err)
		if got.Extensions["code"] != string(tc.wantCode) || got.Message != tc.wantMsg {
			t.Errorf("%s: presented %q with code %v, want %q with %s", tc.name, got.Message, got.Extensions["code"], tc.wantMsg, tc.wantCode)
		}
	}
}
