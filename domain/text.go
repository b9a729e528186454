package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextKind selects the rules a text input follows.
type TextKind int

const (
	// FreeText is a reason, a note, a reference: tabs and line breaks allowed.
	FreeText TextKind = iota
	// NameText is a name or label people read: one line, no bidirectional formatting.
	NameText
)

// Maximum lengths, in characters, of text inputs that have no tighter rule of their own.
const (
	MaxNameLength = 200
	MaxTextLength = 2000
)

// CheckText applies the rules every text input follows, wherever it comes from: valid UTF-8
// (invalid bytes are refused, never replaced; U+FFFD, which a decoder substitutes for them, is
// refused too), no NUL or other control character (FreeText allows tab, CR and LF), no
// bidirectional override or isolate in a name, and at most max characters. INVALID_INPUT
// naming field.
func CheckText(s string, kind TextKind, max int, field []string) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return Errorf(CodeInvalidInput, field, "is not valid UTF-8 text")
	}
	n := 0
	for _, r := range s {
		n++
		switch {
		case kind == FreeText && (r == '\t' || r == '\n' || r == '\r'):
		case unicode.IsControl(r):
			return Errorf(CodeInvalidInput, field, "must not contain control characters (U+%04X)", r)
		case kind == NameText && isBidiControl(r):
			return Errorf(CodeInvalidInput, field, "must not contain bidirectional formatting characters (U+%04X)", r)
		}
	}
	if n > max {
		return Errorf(CodeInvalidInput, field, "must be at most %d characters", max)
	}
	return nil
}

// isBidiControl reports the characters that reorder the text around them (Trojan Source):
// embeddings, overrides, isolates and the directional marks.
func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}
