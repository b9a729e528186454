package graph

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kjb/kjb/domain"
)

// downloads serves the CSV files (statements, partner reconciliation) behind the same keys,
// scoping and rate limit as /query. Files are RFC 4180: one header row, CRLF line ends, UTF-8,
// amounts as plain decimals with the currency in its own column.
func downloads(mux *http.ServeMux, svc *domain.Service, wrap func(http.Handler) http.Handler) {
	mux.Handle("GET /statements/{file}", wrap(statementCSV(svc)))
	mux.Handle("GET /reconciliation/partner.csv", wrap(partnerReconciliationCSV(svc)))
}

// csvFile writes rows to w as they come, flushing every few rows so memory stays flat.
type csvFile struct {
	w       *csv.Writer
	flusher http.Flusher
	rows    int
}

func newCSVFile(w http.ResponseWriter, name string, header []string) (*csvFile, error) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	f := &csvFile{w: csv.NewWriter(w)}
	f.w.UseCRLF = true
	f.flusher, _ = w.(http.Flusher)
	return f, f.row(header...)
}

func (f *csvFile) row(fields ...string) error {
	if err := f.w.Write(fields); err != nil {
		return err
	}
	if f.rows++; f.rows%512 == 0 {
		return f.flush()
	}
	return nil
}

func (f *csvFile) flush() error {
	f.w.Flush()
	if f.flusher != nil {
		f.flusher.Flush()
	}
	return f.w.Error()
}

// refuseDownload answers a request error (before any row was written) like /query would:
// a JSON body with the code and the field, and the matching HTTP status.
func refuseDownload(w http.ResponseWriter, err error) {
	var e *domain.Error
	if !errors.As(err, &e) {
		writeGraphQLError(w, http.StatusInternalServerError, domain.CodeInternal, internalMessage)
		return
	}
	status := map[domain.ErrorCode]int{domain.CodeInvalidInput: http.StatusBadRequest, domain.CodeNotFound: http.StatusNotFound,
		domain.CodeUnauthenticated: http.StatusUnauthorized, domain.CodeForbidden: http.StatusForbidden}[e.Code]
	if status == 0 {
		status = http.StatusUnprocessableEntity
	}
	ext := map[string]any{"code": string(e.Code)}
	if len(e.Field) > 0 {
		ext["field"] = e.Field
	}
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"message": e.Message, "extensions": ext}}})
}

// queryTime reads an RFC 3339 query parameter; INVALID_INPUT naming it otherwise.
func queryTime(r *http.Request, name string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, r.URL.Query().Get(name))
	if err != nil {
		return time.Time{}, domain.Errorf(domain.CodeInvalidInput, domain.Field(name), "must be an RFC 3339 date-time")
	}
	return t, nil
}

// queryPeriod reads the from and to query parameters.
func queryPeriod(r *http.Request) (from, to time.Time, err error) {
	if from, err = queryTime(r, "from"); err == nil {
		to, err = queryTime(r, "to")
	}
	return from, to, err
}

// statementCSV serves GET /statements/{accountId}.csv?currency=&from=&to=: the statement of
// Account.statement as a file, streamed from the database.
func statementCSV(svc *domain.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := ActorFrom(r.Context())
		if actor.IsAnonymous() {
			refuseDownload(w, domain.Unauthenticated)
			return
		}
		gid, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
		id, err := decodeID(gid, typeAccount, "accountId")
		if !ok || err != nil {
			refuseDownload(w, domain.Errorf(domain.CodeInvalidInput, domain.Field("accountId"), "is not an account id followed by .csv"))
			return
		}
		from, to, err := queryPeriod(r)
		if err != nil {
			refuseDownload(w, err)
			return
		}
		var (
			f   *csvFile
			sum domain.Statement
		)
		head := func(s domain.Statement) error {
			sum = s
			f, err = newCSVFile(w, "statement-"+string(s.Currency)+"-"+s.From.UTC().Format("20060102")+"-"+s.To.UTC().Format("20060102")+".csv",
				[]string{"posted_at", "entry_id", "type", "description", "reference", "currency", "amount", "balance_after"})
			if err != nil {
				return err
			}
			return f.row(s.From.UTC().Format(time.RFC3339Nano), "", "OPENING_BALANCE", "Opening balance", "", string(s.Currency), "", amount(s.Opening))
		}
		line := func(m domain.Movement) error {
			return f.row(m.CreatedAt.UTC().Format(time.RFC3339Nano), m.ID, string(m.Kind), m.Description(), m.Reference,
				string(m.Amount.Currency), amount(m.Amount), amount(m.BalanceAfter))
		}
		err = svc.StreamStatement(r.Context(), actor, id, r.URL.Query().Get("currency"), from, to, head, line)
		if f == nil {
			refuseDownload(w, err)
			return
		}
		if err == nil {
			err = f.row(sum.To.UTC().Format(time.RFC3339Nano), "", "CLOSING_BALANCE",
				"Closing balance ("+strconv.FormatInt(sum.Movements, 10)+" movements)", "", string(sum.Currency), "", amount(sum.Closing))
		}
		if err == nil {
			err = f.flush()
		}
		if err != nil {
			// The status line is gone: cut the body short so the client sees a broken download.
			panic(http.ErrAbortHandler)
		}
	})
}

func amount(m domain.Money) string { return domain.FormatAmount(m.Amount, m.Currency) }

// partnerReconciliationCSV serves GET /reconciliation/partner.csv?from=&to=: the report of
// partnerReconciliation, one row per figure: each day and supplier's payments, fees, refunds,
// failed and pending payouts (non-zero ones), one row per paid payout with the rail's
// reference, then the totals (day TOTAL).
func partnerReconciliationCSV(svc *domain.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from, to, err := queryPeriod(r)
		if err != nil {
			refuseDownload(w, err)
			return
		}
		rep, err := svc.PartnerReconciliation(r.Context(), ActorFrom(r.Context()), from, to)
		if err != nil {
			refuseDownload(w, err)
			return
		}
		f, err := newCSVFile(w, "reconciliation-"+from.UTC().Format("20060102")+"-"+to.UTC().Format("20060102")+".csv",
			[]string{"day", "supplier_id", "supplier_name", "item", "reference", "count", "currency", "amount"})
		figures := func(day, sid, name string, fg domain.ReconciliationFigures, paid []domain.ReconciledPayout, all bool) {
			item := func(what, ref string, n int, m domain.Money) {
				if err == nil && (all || n != 0 || !m.Amount.IsZero()) {
					err = f.row(day, sid, name, what, ref, strconv.Itoa(n), string(m.Currency), amount(m))
				}
			}
			item("PAYMENTS", "", fg.PaymentCount, fg.PaymentVolume)
			item("FEES", "", fg.PaymentCount, fg.Fees)
			item("REFUNDS", "", 0, fg.Refunds)
			for _, p := range paid {
				item("PAYOUT_PAID", p.RailReference, 1, p.Amount)
			}
			if all {
				item("PAYOUTS_PAID", "", fg.PaidCount, fg.PayoutsPaid)
			}
			item("PAYOUTS_FAILED", "", fg.PayoutsFailed, fg.FailedAmount)
			item("PAYOUTS_PENDING", "", fg.PayoutsPending, fg.PendingAmount)
		}
		for _, l := range rep.Lines {
			figures(l.Day, l.Supplier.ExternalID, l.Supplier.Name, l.ReconciliationFigures, l.Paid, false)
		}
		figures("TOTAL", "", "", rep.Totals, nil, true)
		if err == nil {
			err = f.flush()
		}
		if err != nil {
			panic(http.ErrAbortHandler)
		}
	})
}
