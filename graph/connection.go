package graph

import (
	"encoding/base64"
	"strings"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// connect answers one page of a connection: it validates first/after, makes the one domain
// call for that page and maps the result. INVALID_INPUT naming first or after.
func connect[T, C any](first *int, after *string, call func(domain.Page) (domain.Slice[T], error), to func(domain.Slice[T]) C) (C, error) {
	var none C
	p, err := page(first, after)
	if err != nil {
		return none, err
	}
	s, err := call(p)
	if err != nil {
		return none, err
	}
	return to(s), nil
}

// connection builds edges and page info from a page of items.
func connection[T any, E any](s domain.Slice[T], key func(T) string, edge func(cursor string, item T) E) ([]E, *model.PageInfo) {
	edges := make([]E, 0, len(s.Items))
	info := &model.PageInfo{HasNextPage: s.HasNext, HasPreviousPage: s.HasPrevious}
	for i, it := range s.Items {
		c := encodeCursor(key(it))
		edges = append(edges, edge(c, it))
		if i == 0 {
			info.StartCursor = &c
		}
		info.EndCursor = &c
	}
	return edges, info
}

func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c:" + key))
}

// page validates first/after into a domain page.
func page(first *int, after *string) (domain.Page, error) {
	var key string
	if after != nil && *after != "" {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		k, ok := strings.CutPrefix(string(b), "c:")
		if err != nil || !ok || k == "" || domain.CheckText(k, domain.NameText, domain.MaxNameLength, nil) != nil {
			return domain.Page{}, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
		}
		key = k
	}
	return domain.NewPage(first, key)
}
