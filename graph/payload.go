package graph

import (
	"fmt"
	"reflect"

	"github.com/kjb/kjb/graph/model"
)

// mutate runs a mutation: decodeErr is the outcome of decoding the input's ids, call makes the
// one domain call (only when decoding succeeded) and payload maps its result. A user error from
// either gives a payload holding only userErrors, since nothing changed; any other error is a
// top-level error. A successful payload has an empty userErrors list.
func mutate[R, P any](decodeErr error, call func() (R, error), payload func(R) *P) (*P, error) {
	err := decodeErr
	if err == nil {
		var res R
		if res, err = call(); err == nil {
			return withUserErrors(payload(res), []*model.UserError{}), nil
		}
	}
	ues, err := userErrors(err)
	if err != nil {
		return nil, err
	}
	return withUserErrors(new(P), ues), nil
}

// mutate2 is mutate for a domain call with two results.
func mutate2[A, B, P any](decodeErr error, call func() (A, B, error), payload func(A, B) *P) (*P, error) {
	var b B
	return mutate(decodeErr, func() (a A, err error) {
		a, b, err = call()
		return a, err
	}, func(a A) *P { return payload(a, b) })
}

// withUserErrors sets a payload's userErrors field; every mutation payload has one (checked
// when the package loads, below).
func withUserErrors[P any](p *P, ues []*model.UserError) *P {
	reflect.ValueOf(p).Elem().FieldByName("UserErrors").Set(reflect.ValueOf(ues))
	return p
}

// Every mutation returns a payload with userErrors: [UserError!]!.
func init() {
	want := reflect.TypeFor[[]*model.UserError]()
	m := reflect.TypeFor[MutationResolver]()
	for i := range m.NumMethod() {
		p := m.Method(i).Type.Out(0).Elem()
		if f, ok := p.FieldByName("UserErrors"); !ok || f.Type != want {
			panic(fmt.Sprintf("mutation %s: payload %s has no userErrors list", m.Method(i).Name, p.Name()))
		}
	}
}
