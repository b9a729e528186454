package apitest

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Subscription is a graphql-transport-ws client of one subscription.
type Subscription struct {
	conn *websocket.Conn
	ctx  context.Context
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Dial connects to srv's /query over WebSocket and sends connection_init with key. It returns
// the connection after connection_ack, or the close error when the server refuses.
func (e *Env) Dial(srv *httptest.Server, key string) (*Subscription, error) {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	e.T.Cleanup(cancel)
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/query"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	e.T.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	init, _ := json.Marshal(map[string]string{"authorization": "Bearer " + key})
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: init}); err != nil {
		return nil, err
	}
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return nil, err
		}
		if m.Type == "connection_ack" {
			return &Subscription{conn: conn, ctx: ctx}, nil
		}
	}
}

// Start subscribes with query and variables under id "1".
func (s *Subscription) Start(query string, vars map[string]any) error {
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return wsjson.Write(s.ctx, s.conn, wsMessage{ID: "1", Type: "subscribe", Payload: payload})
}

// Next waits for the next result (data, or the errors of an "error" message).
func (s *Subscription) Next() (map[string]any, error) {
	for {
		var m wsMessage
		if err := wsjson.Read(s.ctx, s.conn, &m); err != nil {
			return nil, err
		}
		switch m.Type {
		case "next":
			var r struct {
				Data   map[string]any `json:"data"`
				Errors []any          `json:"errors"`
			}
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				return nil, err
			}
			if len(r.Errors) > 0 {
				return map[string]any{"errors": r.Errors}, nil
			}
			return r.Data, nil
		case "error":
			var errs []any
			_ = json.Unmarshal(m.Payload, &errs)
			return map[string]any{"errors": errs}, nil
		case "complete":
			return nil, nil
		}
	}
}

// CloseStatus is the WebSocket close code of err (-1 when err is not a close).
func CloseStatus(err error) int { return int(websocket.CloseStatus(err)) }

// Send starts an operation (query, mutation or subscription) under id.
func (s *Subscription) Send(id, query string) error {
	payload, _ := json.Marshal(map[string]any{"query": query})
	return wsjson.Write(s.ctx, s.conn, wsMessage{ID: id, Type: "subscribe", Payload: payload})
}

// Read returns the next message's type, id and payload.
func (s *Subscription) Read() (typ, id string, payload json.RawMessage, err error) {
	var m wsMessage
	err = wsjson.Read(s.ctx, s.conn, &m)
	return m.Type, m.ID, m.Payload, err
}
