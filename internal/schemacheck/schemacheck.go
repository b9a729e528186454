package schemacheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// Load parses and validates the schema made of the files the patterns match (filepath.Glob
// patterns, in order).
func Load(patterns ...string) (*ast.Schema, error) {
	var sources []*ast.Source
	for _, p := range patterns {
		names, err := filepath.Glob(p)
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("no schema file matches %s", p)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			sources = append(sources, &ast.Source{Name: name, Input: string(b)})
		}
	}
	return Parse(sources...)
}

// Parse validates a schema given as sources.
func Parse(sources ...*ast.Source) (*ast.Schema, error) {
	s, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Print is the schema in canonical form: types and directives sorted by name, descriptions
// kept, built-in definitions left out.
func Print(s *ast.Schema) string {
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(s)
	return b.String()
}

// Change is one breaking change, at a schema coordinate such as "Quote.midRate",
// "Query.jobs(state:)" or "ErrorCode.ACCOUNT_NOT_VERIFIED".
type Change struct {
	Coordinate string
	What       string
}

func (c Change) String() string { return c.Coordinate + ": " + c.What }

// Breaking lists the changes from old to new that can break a client written against old:
// a removed type, field, argument, input field, enum value, union member or interface; a
// type whose kind changed; an output type a client can no longer rely on (another type, or
// non-null to nullable); an input type a client can no longer send (another type, or
// nullable to non-null); a new required argument or input field. Additions are not breaking.
func Breaking(old, new *ast.Schema) []Change {
	var out []Change
	add := func(coord, format string, args ...any) {
		out = append(out, Change{Coordinate: coord, What: fmt.Sprintf(format, args...)})
	}
	for name, ot := range old.Types {
		if ot.BuiltIn {
			continue
		}
		nt, ok := new.Types[name]
		if !ok {
			add(name, "type removed")
			continue
		}
		if ot.Kind != nt.Kind {
			add(name, "changed from %s to %s", ot.Kind, nt.Kind)
			continue
		}
		switch ot.Kind {
		case ast.Object, ast.Interface:
			for _, i := range ot.Interfaces {
				if !contains(nt.Interfaces, i) {
					add(name, "no longer implements %s", i)
				}
			}
			for _, of := range ot.Fields {
				if strings.HasPrefix(of.Name, "__") {
					continue
				}
				nf := nt.Fields.ForName(of.Name)
				coord := name + "." + of.Name
				if nf == nil {
					add(coord, "field removed")
					continue
				}
				if !safeOutput(of.Type, nf.Type) {
					add(coord, "type changed from %s to %s", of.Type, nf.Type)
				}
				out = append(out, arguments(coord, of.Arguments, nf.Arguments)...)
			}
		case ast.InputObject:
			for _, of := range ot.Fields {
				nf := nt.Fields.ForName(of.Name)
				coord := name + "." + of.Name
				if nf == nil {
					add(coord, "input field removed")
				} else if !safeInput(of.Type, nf.Type) {
					add(coord, "type changed from %s to %s", of.Type, nf.Type)
				}
			}
			for _, nf := range nt.Fields {
				if ot.Fields.ForName(nf.Name) == nil && required(nf.Type, nf.DefaultValue) {
					add(name+"."+nf.Name, "new required input field")
				}
			}
		case ast.Enum:
			for _, v := range ot.EnumValues {
				if nt.EnumValues.ForName(v.Name) == nil {
					add(name+"."+v.Name, "enum value removed")
				}
			}
		case ast.Union:
			for _, m := range ot.Types {
				if !contains(nt.Types, m) {
					add(name, "union member %s removed", m)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Coordinate != out[j].Coordinate {
			return out[i].Coordinate < out[j].Coordinate
		}
		return out[i].What < out[j].What
	})
	return out
}

func arguments(field string, old, new ast.ArgumentDefinitionList) []Change {
	var out []Change
	for _, oa := range old {
		na := new.ForName(oa.Name)
		coord := field + "(" + oa.Name + ":)"
		if na == nil {
			out = append(out, Change{coord, "argument removed"})
		} else if !safeInput(oa.Type, na.Type) {
			out = append(out, Change{coord, fmt.Sprintf("type changed from %s to %s", oa.Type, na.Type)})
		}
	}
	for _, na := range new {
		if old.ForName(na.Name) == nil && required(na.Type, na.DefaultValue) {
			out = append(out, Change{field + "(" + na.Name + ":)", "new required argument"})
		}
	}
	return out
}

// safeOutput: a client reading old still understands new (same named type and list shape;
// nullable may become non-null, never the reverse).
func safeOutput(old, new *ast.Type) bool { return compatible(old, new, false) }

// safeInput: every value a client sent for old is still valid for new (same named type and
// list shape; non-null may become nullable, never the reverse).
func safeInput(old, new *ast.Type) bool { return compatible(old, new, true) }

func compatible(old, new *ast.Type, input bool) bool {
	if input && !old.NonNull && new.NonNull || !input && old.NonNull && !new.NonNull {
		return false
	}
	if (old.Elem == nil) != (new.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return compatible(old.Elem, new.Elem, input)
	}
	return old.NamedType == new.NamedType
}

func required(t *ast.Type, def *ast.Value) bool { return t.NonNull && def == nil }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var coordinate = regexp.MustCompile("`([A-Za-z_][A-Za-z0-9_.():]*)`")

// Unnamed lists the changes whose coordinate the changelog's newest section (from its first
// "## " heading to the next) does not name in backquotes, e.g. `Quote.midRate`.
func Unnamed(changelog string, changes []Change) []Change {
	named := map[string]bool{}
	for _, m := range coordinate.FindAllStringSubmatch(newestSection(changelog), -1) {
		named[m[1]] = true
	}
	var out []Change
	for _, c := range changes {
		if !named[c.Coordinate] {
			out = append(out, c)
		}
	}
	return out
}

func newestSection(changelog string) string {
	_, rest, ok := strings.Cut(changelog, "\n## ")
	if !ok {
		return ""
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	return section
}
