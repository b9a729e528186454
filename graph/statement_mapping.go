package graph

import (
	"encoding/hex"
	"net/url"
	"strconv"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

func toStatement(account *model.Account, s domain.Statement) *model.Statement {
	return &model.Statement{Account: account, Currency: model.CurrencyCode(s.Currency),
		From: model.DateTime(s.From), To: model.DateTime(s.To),
		Opening: toMoney(s.Opening), Closing: toMoney(s.Closing), TotalIn: toMoney(s.TotalIn), TotalOut: toMoney(s.TotalOut),
		MovementCount: int(s.Movements), CSVPath: statementCSVPath(account.ID, s), Seal: toLedgerSeal(s.Seal)}
}

// statementCSVPath is the download address of a statement (see statementCSV).
func statementCSVPath(accountID string, s domain.Statement) string {
	q := periodQuery(s.From, s.To)
	q.Set("currency", string(s.Currency))
	return "/statements/" + url.PathEscape(accountID) + ".csv?" + q.Encode()
}

func toMovement(m domain.Movement) *model.StatementMovement {
	return &model.StatementMovement{ID: globalID(typeLedgerEntry, m.ID), PostedAt: model.DateTime(m.CreatedAt),
		Kind: model.LedgerEntryKind(m.Kind), Description: m.Description(), Amount: toMoney(m.Amount),
		BalanceAfter: toMoney(m.BalanceAfter), Reference: referenceID(m.Kind, m.Reference)}
}

func toMovementConnection(sl domain.Slice[domain.Movement]) *model.StatementMovementConnection {
	edges, info := connection(sl, domain.Movement.Cursor,
		func(c string, m domain.Movement) *model.StatementMovementEdge {
			return &model.StatementMovementEdge{Cursor: c, Node: toMovement(m)}
		})
	return &model.StatementMovementConnection{Edges: edges, PageInfo: info}
}

func toLedgerSeal(s *domain.Seal) *model.LedgerSeal {
	if s == nil {
		return nil
	}
	return &model.LedgerSeal{Seq: int(s.Seq), AfterEntryID: strconv.FormatInt(s.After, 10), LastEntryID: strconv.FormatInt(s.Last, 10),
		Entries: s.Entries, Transactions: len(s.Transactions), Hash: s.HashHex(), PrevHash: hex.EncodeToString(s.PrevHash[:]),
		SealedAt: model.DateTime(s.SealedAt)}
}

func toLedgerVerification(v domain.LedgerVerification) *model.LedgerVerification {
	out := &model.LedgerVerification{Ok: v.Failure == nil, SealsChecked: v.Seals, EntriesChecked: int(v.Entries),
		Head: toLedgerSeal(v.Head), UnsealedEntries: int(v.Unsealed)}
	if f := v.Failure; f != nil {
		out.Failure = &model.LedgerSealFailure{Seq: int(f.Seq), AfterEntryID: strconv.FormatInt(f.After, 10),
			LastEntryID: strconv.FormatInt(f.Last, 10), Reason: f.Reason}
		if f.TransactionID != "" {
			out.Failure.TransactionID = &f.TransactionID
		}
	}
	return out
}
