package domain

// Observer hears about business outcomes (metrics). The zero Service has none.
type Observer interface {
	// PaymentAttempt reports one payOrder: its method, "succeeded" or the first error code, and
	// on success what was debited.
	PaymentAttempt(method PaymentMethod, outcome string, debited Money)
}

// Observe sets the service's observer.
func (s *Service) Observe(o Observer) { s.observer = o }

func (s *Service) observePayment(method PaymentMethod, err error, debited Money) {
	if s.observer == nil {
		return
	}
	outcome := "succeeded"
	if err != nil {
		outcome = string(CodeOf(err))
		if es := AsErrors(err); len(es) > 0 {
			outcome = string(es[0].Code)
		}
		if outcome == "" {
			outcome = "error"
		}
	}
	s.observer.PaymentAttempt(method, outcome, debited)
}
