// Package jsonenc writes a Go value as JSON, byte for byte as
// encoding/json's Encoder does with SetIndent(prefix, indent) and HTML
// escaping on (the CLI's --json).
//
// RATIONALE: the browser app prints the engine's trace in that form for
// the determinism test (wasm/app/trace.go: mmplayTraceJSON, compared with
// the CLI's and the edge worker's), and that was the last use of
// encoding/json in the app: its encoder and what it pulls in were about
// 35 kB of the brotli-compressed app, whose budget is 1.5 MB (SPEC §11).
// This encoder covers what the trace holds: structs with json tags
// (names, "-", omitempty, embedded structs flattened), pointers,
// interfaces, slices and arrays ([]byte as base64), maps with string
// keys, strings, booleans, integers, floats, and encoding.TextMarshaler;
// anything else is an error, never a guess. jsonenc_test.go compares it
// with encoding/json on the traces of every gallery example and on a
// table of the edge cases.
package jsonenc

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"mmplay/ui/view"
)

// Encode returns v as encoding/json's Encoder with SetIndent(prefix,
// indent) writes it (with its final newline).
func Encode(v any, prefix, indent string) ([]byte, error) {
	e := &encoder{prefix: prefix, indent: indent}
	if err := e.value(reflect.ValueOf(v), 0); err != nil {
		return nil, err
	}
	return append(e.b, '\n'), nil
}

type encoder struct {
	b              []byte
	prefix, indent string
}

// compact is encoding/json's form without indentation (SetIndent("", "")).
func (e *encoder) compact() bool { return e.prefix == "" && e.indent == "" }

// colon separates a key from its value.
func (e *encoder) colon() {
	if e.compact() {
		e.b = append(e.b, ':')
		return
	}
	e.b = append(e.b, ':', ' ')
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// newline starts a line at depth (nothing in the compact form).
func (e *encoder) newline(depth int) {
	if e.compact() {
		return
	}
	e.b = append(e.b, '\n')
	e.b = append(e.b, e.prefix...)
	for i := 0; i < depth; i++ {
		e.b = append(e.b, e.indent...)
	}
}

func (e *encoder) value(v reflect.Value, depth int) error {
	if !v.IsValid() {
		e.b = append(e.b, "null"...)
		return nil
	}
	if v.Type().Implements(textMarshaler) && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		t, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return err
		}
		e.b = view.AppendJSONString(e.b, string(t), true)
		return nil
	}
	if v.Kind() != reflect.Pointer && v.CanAddr() && reflect.PointerTo(v.Type()).Implements(textMarshaler) {
		return e.value(v.Addr(), depth)
	}
	switch v.Kind() {
	case reflect.Bool:
		e.b = strconv.AppendBool(e.b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.b = strconv.AppendInt(e.b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.b = strconv.AppendUint(e.b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return e.float(v.Float(), v.Type().Bits())
	case reflect.String:
		e.b = view.AppendJSONString(e.b, v.String(), true)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		return e.value(v.Elem(), depth)
	case reflect.Slice:
		if v.IsNil() {
			e.b = append(e.b, "null"...)
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(v.Type().Elem()).Implements(textMarshaler) {
			e.b = append(e.b, '"')
			e.b = view.AppendBase64(e.b, v.Bytes(), false)
			e.b = append(e.b, '"')
			return nil
		}
		return e.array(v, depth)
	case reflect.Array:
		return e.array(v, depth)
	case reflect.Map:
		return e.mapping(v, depth)
	case reflect.Struct:
		return e.object(v, depth)
	default:
		return fmt.Errorf("jsonenc: cannot encode a %s", v.Type())
	}
	return nil
}

func (e *encoder) array(v reflect.Value, depth int) error {
	if v.Len() == 0 {
		e.b = append(e.b, "[]"...)
		return nil
	}
	e.b = append(e.b, '[')
	for i := 0; i < v.Len(); i++ {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(depth + 1)
		if err := e.value(v.Index(i), depth+1); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.b = append(e.b, ']')
	return nil
}

func (e *encoder) mapping(v reflect.Value, depth int) error {
	if v.IsNil() {
		e.b = append(e.b, "null"...)
		return nil
	}
	if v.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("jsonenc: cannot encode a map keyed by %s", v.Type().Key())
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	if len(keys) == 0 {
		e.b = append(e.b, "{}"...)
		return nil
	}
	e.b = append(e.b, '{')
	for i, k := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(depth + 1)
		e.b = view.AppendJSONString(e.b, k.String(), true)
		e.colon()
		if err := e.value(v.MapIndex(k), depth+1); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.b = append(e.b, '}')
	return nil
}

// field is one member of an object.
type field struct {
	name      string
	index     []int
	omitEmpty bool
}

// fields lists a struct type's members as encoding/json does for the
// cases this package takes: exported fields, json tags, embedded structs
// (not pointers) flattened unless tagged, an outer field hiding an inner
// one of the same name.
func fields(t reflect.Type) []field {
	var out []field
	seen := map[string]bool{}
	var walk func(t reflect.Type, index []int)
	type pending struct {
		t     reflect.Type
		index []int
	}
	var embedded []pending
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
				embedded = append(embedded, pending{sf.Type, idx})
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, field{name: name, index: idx, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
		}
	}
	walk(t, nil)
	// Embedded structs come after: their fields lose to the outer ones.
	for len(embedded) > 0 {
		p := embedded[0]
		embedded = embedded[1:]
		walk(p.t, p.index)
	}
	// encoding/json orders the fields by their index sequence.
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out
}

func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func (e *encoder) object(v reflect.Value, depth int) error {
	n := 0
	for _, f := range fields(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if f.omitEmpty && empty(fv) {
			continue
		}
		if n == 0 {
			e.b = append(e.b, '{')
		} else {
			e.b = append(e.b, ',')
		}
		n++
		e.newline(depth + 1)
		e.b = view.AppendJSONString(e.b, f.name, true)
		e.colon()
		if err := e.value(fv, depth+1); err != nil {
			return err
		}
	}
	if n == 0 {
		e.b = append(e.b, "{}"...)
		return nil
	}
	e.newline(depth)
	e.b = append(e.b, '}')
	return nil
}

// float is encoding/json's floatEncoder: ES6 number formatting.
func (e *encoder) float(f float64, bits int) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("jsonenc: unsupported value %v", f)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	start := len(e.b)
	e.b = strconv.AppendFloat(e.b, f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(e.b) - start
		if n >= 4 && e.b[len(e.b)-4] == 'e' && e.b[len(e.b)-3] == '-' && e.b[len(e.b)-2] == '0' {
			e.b[len(e.b)-2] = e.b[len(e.b)-1]
			e.b = e.b[:len(e.b)-1]
		}
	}
	return nil
}
