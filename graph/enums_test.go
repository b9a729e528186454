package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// The API's enums and the domain's lists of the same sets hold the same values.
func TestEnumsMatchTheDomain(t *testing.T) {
	t.Parallel()
	t.Run("EventType", func(t *testing.T) {
		var got []model.EventType
		for _, typ := range domain.EventTypes {
			api := eventType(typ)
			if !api.IsValid() || eventTypeNames[api] != typ {
				t.Errorf("event type %s is %s in the API, which maps back to %q", typ, api, eventTypeNames[api])
			}
			got = append(got, api)
		}
		if !sameSet(got, model.AllEventType) {
			t.Errorf("domain event types %v, API %v", got, model.AllEventType)
		}
		if f := eventTypeFilter(nil); f != nil {
			t.Errorf("no filter became %v", f)
		}
	})
	t.Run("EventObjectType", func(t *testing.T) {
		var got []model.EventObjectType
		for name, v := range eventObjectTypes {
			if _, ok := nodeTypes[name]; !ok {
				t.Errorf("%s is not a Node type", name)
			}
			got = append(got, v)
		}
		if !sameSet(got, model.AllEventObjectType) {
			t.Errorf("mapped %v, API %v", got, model.AllEventObjectType)
		}
	})
	t.Run("JobState", func(t *testing.T) {
		var got []model.JobState
		for _, s := range domain.JobStates {
			if jobStateFilter(new(jobState(s))) != s {
				t.Errorf("job state %s does not round-trip", s)
			}
			got = append(got, jobState(s))
		}
		if !sameSet(got, model.AllJobState) {
			t.Errorf("domain job states %v, API %v", got, model.AllJobState)
		}
	})
	t.Run("LedgerBook", func(t *testing.T) {
		books := []domain.Book{domain.BookCustomer, domain.BookTopUpClearing, domain.BookFeeRevenue, domain.BookEscrow,
			domain.BookSupplierPayable, domain.BookFXPosition, domain.BookPayoutClearing}
		var got []model.LedgerBook
		for _, b := range books {
			got = append(got, model.LedgerBook(b))
		}
		if !sameSet(got, model.AllLedgerBook) {
			t.Errorf("domain books %v, API %v", got, model.AllLedgerBook)
		}
	})
	t.Run("FxRateSource", func(t *testing.T) {
		for _, s := range []string{domain.SourceDefaultTable, domain.SourceOperator} {
			if !model.FxRateSource(s).IsValid() {
				t.Errorf("rate source %s is not an FxRateSource", s)
			}
		}
	})
	// PaymentReason is the list of reasons, in order, and every reason is an ErrorCode:
	// payOrder returns each as a user error.
	t.Run("PaymentReason", func(t *testing.T) {
		var got []model.PaymentReason
		for _, r := range domain.PaymentReasons {
			got = append(got, model.PaymentReason(r))
			if !model.ErrorCode(r).IsValid() {
				t.Errorf("reason %s is not an ErrorCode", r)
			}
		}
		if !slices.Equal(got, model.AllPaymentReason) {
			t.Errorf("domain reasons %v, API %v", got, model.AllPaymentReason)
		}
	})
}

func sameSet[T ~string](a, b []T) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestEventTypeNames(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]model.EventType{"order.paid": "ORDER_PAID", "fee_statement.created": "FEE_STATEMENT_CREATED"} {
		if got := eventType(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
		if back := eventTypeNames[want]; !strings.EqualFold(strings.ReplaceAll(back, ".", "_"), string(want)) || back != in {
			t.Errorf("%s maps back to %q", want, back)
		}
	}
}
