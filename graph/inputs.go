package graph

import (
	"context"
	"reflect"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/kjb/kjb/domain"
)

// checkArguments applies domain.CheckText to every string in a field's arguments (ids,
// cursors, names, references, every nested input field) before its resolver runs, so no
// malformed text reaches the rules or the database. INVALID_INPUT naming the argument's path.
func checkArguments(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && len(fc.Args) > 0 {
		names := make([]string, 0, len(fc.Args))
		for name := range fc.Args {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if err := checkValue(reflect.ValueOf(fc.Args[name]), []string{name}); err != nil {
				return nil, err
			}
		}
	}
	return next(ctx)
}

func checkValue(v reflect.Value, path []string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkValue(v.Elem(), path)
	case reflect.String:
		kind, limit := textRule(path[len(path)-1])
		return domain.CheckText(v.String(), kind, limit, append([]string(nil), path...))
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkValue(v.Index(i), path); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			if err := checkValue(k, append(path, "key")); err != nil {
				return err
			}
			if err := checkValue(v.MapIndex(k), append(path, k.String())); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue // a scalar's own representation (Decimal, time), not an input field
			}
			if err := checkValue(v.Field(i), append(path, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// textRule picks the rule set of a field by its name: names, labels and ids are one-line
// names; URLs get room for a query string; everything else is free text.
func textRule(field string) (domain.TextKind, int) {
	lower := strings.ToLower(field)
	switch {
	case lower == "url":
		return domain.NameText, 2048
	case strings.HasSuffix(lower, "name") || lower == "label" || lower == "id" || strings.HasSuffix(field, "Id") ||
		lower == "after" || lower == "before" || lower == "code" || lower == "idempotencykey":
		return domain.NameText, domain.MaxNameLength
	}
	return domain.FreeText, domain.MaxTextLength
}
