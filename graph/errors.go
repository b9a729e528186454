package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

const internalMessage = "internal error: the request failed on our side and was logged; it is safe to retry with the same idempotency key"

// presentErrors maps domain errors to messages with extensions.code (and field), keeps the
// parser's and validator's own errors, and replaces anything else with a generic INTERNAL
// error so no SQL or Go error text reaches clients; the real error is logged.
// Outside sandbox mode (hideSchema) validation messages lose their "Did you mean" suggestions,
// which would reveal fields a caller may not use.
func presentErrors(log *slog.Logger, hideSchema bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		errors.As(err, &gqlErr)
		out := &gqlerror.Error{}
		if gqlErr != nil {
			out.Path, out.Locations = gqlErr.Path, gqlErr.Locations
		} else {
			out.Path = graphql.GetPath(ctx)
		}
		if es := domain.AsErrors(err); len(es) > 0 && es[0].Code != domain.CodeInternal {
			e := es[0]
			out.Message = e.Message
			out.Extensions = map[string]any{"code": string(e.Code)}
			if len(e.Field) > 0 {
				out.Extensions["field"] = e.Field
			}
			return out
		}
		if gqlErr != nil && gqlErr.Err == nil && domain.CodeOf(err) == "" {
			if hideSchema {
				gqlErr.Message = withoutSuggestions(gqlErr.Message)
			}
			return gqlErr // the parser's or validator's own error: safe and useful
		}
		var fromResolver *resolverError
		if gqlErr != nil && !errors.As(err, &fromResolver) && domain.CodeOf(err) == "" {
			// Not from a resolver: gqlgen could not coerce an argument (an enum value that does
			// not exist, an out-of-range Int). Its message names the value, never SQL.
			out.Message = gqlErr.Err.Error()
			if hideSchema {
				out.Message = withoutSuggestions(out.Message)
			}
			out.Extensions = map[string]any{"code": string(domain.CodeInvalidInput)}
			return out
		}
		log.ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "error", err.Error(), "path", out.Path.String())
		out.Message = internalMessage
		out.Extensions = map[string]any{"code": string(domain.CodeInternal)}
		return out
	}
}

// recoverPanic turns a resolver panic into an INTERNAL error.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", p)
		return &domain.Error{Code: domain.CodeInternal, Message: "panic"}
	}
}

// userErrors splits a domain call's error: user errors go in the payload (with the field
// path under "input"); anything else is returned as a top-level error.
func userErrors(err error) ([]*model.UserError, error) {
	if err == nil {
		return []*model.UserError{}, nil
	}
	if !domain.IsUserError(err) {
		return nil, err
	}
	var out []*model.UserError
	for _, e := range domain.AsErrors(err) {
		ue := &model.UserError{Code: model.ErrorCode(e.Code), Message: e.Message}
		if len(e.Field) > 0 {
			ue.Field = append([]string{"input"}, e.Field...)
		}
		out = append(out, ue)
	}
	return out, nil
}

// resolverError marks an error that came out of a resolver, so the presenter can tell it from
// an argument gqlgen could not coerce (which never passes through a resolver).
type resolverError struct{ err error }

func (e *resolverError) Error() string { return e.err.Error() }
func (e *resolverError) Unwrap() error { return e.err }

func markResolverError(err error) error {
	if err == nil || domain.CodeOf(err) != "" {
		return err
	}
	return &resolverError{err}
}

// withoutSuggestions cuts a validator message at its "Did you mean" hint.
func withoutSuggestions(msg string) string {
	if i := strings.Index(msg, " Did you mean"); i >= 0 {
		return msg[:i]
	}
	return msg
}
