// Package fxfeed is the HTTP JSON rate feed: an adapter that implements domain.RateFeed.
//
// The feed answers GET with {"rates": [{"from": "USD", "to": "CNH", "mid": "7.1050",
// "updatedAt": "2026-11-21T04:00:00Z"}]}. Mids must be JSON strings (exact decimals).
package fxfeed

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// Feed reads rates from a URL.
type Feed struct {
	URL    string
	Client *http.Client
}

// Name identifies the feed as the rates' source.
func (f Feed) Name() string { return "FEED" }

type payload struct {
	Rates []struct {
		From      string    `json:"from"`
		To        string    `json:"to"`
		Mid       string    `json:"mid"`
		UpdatedAt time.Time `json:"updatedAt"`
	} `json:"rates"`
}

// Rates fetches and parses the feed; an unknown currency or a bad mid fails the whole read,
// so a broken feed never half-updates the table.
func (f Feed) Rates(ctx context.Context) ([]domain.Rate, error) {
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("rate feed answered %d", res.StatusCode)
	}
	var p payload
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&p); err != nil {
		return nil, fmt.Errorf("rate feed: %w", err)
	}
	out := make([]domain.Rate, 0, len(p.Rates))
	for _, r := range p.Rates {
		from, ok1 := domain.ParseCurrency(r.From)
		to, ok2 := domain.ParseCurrency(r.To)
		mid, err := decimal.NewFromString(r.Mid)
		if !ok1 || !ok2 || err != nil || mid.Sign() <= 0 || r.UpdatedAt.IsZero() {
			return nil, fmt.Errorf("rate feed: bad rate %s/%s %q", r.From, r.To, r.Mid)
		}
		out = append(out, domain.Rate{From: from, To: to, Mid: mid, Source: f.Name(), UpdatedAt: r.UpdatedAt})
	}
	return out, nil
}
