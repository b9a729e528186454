package domain

// Page asks for one page of a connection: First rows after the row whose id is After.
type Page struct {
	First int
	After string
}

const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// NewPage validates first (nil means the default; 1 to MaxPageSize otherwise).
func NewPage(first *int, after string) (Page, error) {
	n := DefaultPageSize
	if first != nil {
		n = *first
	}
	if n < 1 || n > MaxPageSize {
		return Page{}, Errorf(CodeInvalidInput, Field("first"), "must be between 1 and %d", MaxPageSize)
	}
	return Page{First: n, After: after}, nil
}

// Slice is one page of results. HasPrevious is true for a page asked for after a cursor: the
// cursor's own row comes before it.
type Slice[T any] struct {
	Items       []T
	HasNext     bool
	HasPrevious bool
}

// Cut turns the up-to-First+1 rows a store returned into a page.
func Cut[T any](rows []T, p Page) Slice[T] {
	if len(rows) > p.First {
		return Slice[T]{Items: rows[:p.First], HasNext: true, HasPrevious: p.After != ""}
	}
	return Slice[T]{Items: rows, HasPrevious: p.After != ""}
}
