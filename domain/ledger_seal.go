package domain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// SealEntry is one ledger entry with its transaction, as a seal hashes it. Amounts are the
// database's exact text of the stored numeric.
type SealEntry struct {
	EntryID       int64
	TransactionID string
	Kind          string
	Reference     string
	TxCreatedAt   time.Time
	Book          string
	AccountID     string
	Currency      string
	Amount        string
	BalanceAfter  string
	CreatedAt     time.Time
}

// appendCanonical appends e's canonical encoding: its fields in a fixed order, each
// length-prefixed, so no two different entries encode alike.
func (e SealEntry) appendCanonical(b []byte) []byte {
	field := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	field(strconv.FormatInt(e.EntryID, 10))
	field(e.TransactionID)
	field(e.Kind)
	field(e.Reference)
	field(e.TxCreatedAt.UTC().Format(time.RFC3339Nano))
	field(e.Book)
	field(e.AccountID)
	field(e.Currency)
	field(e.Amount)
	field(e.BalanceAfter)
	field(e.CreatedAt.UTC().Format(time.RFC3339Nano))
	return b
}

// Seal is one link of the ledger's hash chain: it covers the entries with ids in (After,
// Last], grouped by transaction in order of their first entry, each with the digest of its
// entries; Hash binds them, the range and the previous seal's hash.
type Seal struct {
	Seq          int64
	After, Last  int64
	Entries      int
	Transactions []string
	Digests      [][32]byte
	PrevHash     [32]byte
	Hash         [32]byte
	SealedAt     time.Time
}

// HashHex is the seal's hash as hex, as statements and verify-ledger show it.
func (s Seal) HashHex() string { return hex.EncodeToString(s.Hash[:]) }

// SealBuilder computes a seal from its entries, given in id order.
type SealBuilder struct {
	seal  Seal
	index map[string]int
	open  map[int][]byte // each transaction's encoded entries so far
	buf   []byte
}

// NewSealBuilder starts the seal after prev (nil for the first seal) up to entry id last.
func NewSealBuilder(prev *Seal, last int64) *SealBuilder {
	b := &SealBuilder{seal: Seal{Seq: 1, Last: last}, index: map[string]int{}, open: map[int][]byte{}}
	if prev != nil {
		b.seal.Seq, b.seal.After, b.seal.PrevHash = prev.Seq+1, prev.Last, prev.Hash
	}
	return b
}

// Add hashes one entry (it never fails: the error fits streaming callbacks).
func (b *SealBuilder) Add(e SealEntry) error {
	i, ok := b.index[e.TransactionID]
	if !ok {
		i = len(b.seal.Transactions)
		b.index[e.TransactionID] = i
		b.seal.Transactions = append(b.seal.Transactions, e.TransactionID)
	}
	b.open[i] = e.appendCanonical(b.open[i])
	b.seal.Entries++
	return nil
}

// Seal finishes the seal at time at.
func (b *SealBuilder) Seal(at time.Time) Seal {
	s := b.seal
	s.Digests = make([][32]byte, len(s.Transactions))
	for i := range s.Transactions {
		s.Digests[i] = sha256.Sum256(b.open[i])
	}
	s.SealedAt = at
	s.Hash = s.ComputeHash()
	return s
}

// ComputeHash is the hash a seal's fields give: over the previous hash, the sequence, the
// range, the entry count and every transaction id with its digest.
func (s Seal) ComputeHash() [32]byte {
	h := sha256.New()
	h.Write(s.PrevHash[:])
	var n [8]byte
	for _, v := range []int64{s.Seq, s.After, s.Last, int64(s.Entries)} {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	for i, id := range s.Transactions {
		h.Write([]byte(id))
		h.Write(s.Digests[i][:])
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// SealFailure names the first seal that does not match the ledger and, where one can be
// named, the first transaction in it whose entries changed.
type SealFailure struct {
	Seq           int64
	After, Last   int64
	TransactionID string
	Reason        string
}

// CheckSeal compares a stored seal with the one recomputed from the ledger's entries today,
// and with the stored previous seal (nil for the first): nil when they match.
func CheckSeal(stored, recomputed Seal, prev *Seal) *SealFailure {
	fail := func(tx, reason string) *SealFailure {
		return &SealFailure{Seq: stored.Seq, After: stored.After, Last: stored.Last, TransactionID: tx, Reason: reason}
	}
	var prevHash [32]byte
	var prevLast, prevSeq int64
	if prev != nil {
		prevHash, prevLast, prevSeq = prev.Hash, prev.Last, prev.Seq
	}
	if stored.PrevHash != prevHash || stored.After != prevLast || stored.Seq != prevSeq+1 {
		return fail("", "it does not follow the seal before it (hash, range or sequence)")
	}
	if stored.ComputeHash() != stored.Hash {
		return fail("", "the seal itself was altered: its hash does not match its contents")
	}
	for i := 0; i < max(len(stored.Transactions), len(recomputed.Transactions)); i++ {
		switch {
		case i >= len(recomputed.Transactions):
			return fail(stored.Transactions[i], "the transaction's entries are gone")
		case i >= len(stored.Transactions):
			return fail(recomputed.Transactions[i], "the transaction was not in the ledger when sealed")
		case stored.Transactions[i] != recomputed.Transactions[i]:
			return fail(stored.Transactions[i], "the entries in the seal's range changed (a transaction is missing or was added)")
		case stored.Digests[i] != recomputed.Digests[i]:
			return fail(stored.Transactions[i], "the transaction's entries changed since it was sealed")
		}
	}
	if stored.Entries != recomputed.Entries {
		return fail("", "the number of entries in the seal's range changed")
	}
	return nil
}

// LedgerVerification is the result of recomputing every seal.
type LedgerVerification struct {
	Seals    int
	Entries  int64
	Head     *Seal        // the last seal checked
	Failure  *SealFailure // the first seal that does not match; nil when all do
	Unsealed int64        // entries after the last seal
}
