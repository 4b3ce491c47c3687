package mautictest

import (
	"strconv"
	"unicode/utf8"
)

// jw is an ordered JSON writer producing PHP json_encode output: compact,
// "/" written as "\/", non-ASCII as \uXXXX. With hex set it also applies
// Symfony JsonResponse's JSON_HEX_* flags (< > & ' " as \u003C ...).
type jw struct {
	b     []byte
	hex   bool
	stack []frame
}

type frame struct {
	n        int
	afterKey bool
	close    byte
}

func (w *jw) pre() {
	if len(w.stack) == 0 {
		return
	}
	top := &w.stack[len(w.stack)-1]
	if top.afterKey {
		top.afterKey = false
		return
	}
	if top.n > 0 {
		w.b = append(w.b, ',')
	}
	top.n++
}

func (w *jw) obj() *jw {
	w.pre()
	w.b = append(w.b, '{')
	w.stack = append(w.stack, frame{close: '}'})
	return w
}

func (w *jw) arr() *jw {
	w.pre()
	w.b = append(w.b, '[')
	w.stack = append(w.stack, frame{close: ']'})
	return w
}

func (w *jw) end() *jw {
	top := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.b = append(w.b, top.close)
	return w
}

func (w *jw) key(k string) *jw {
	w.pre()
	w.quote(k)
	w.b = append(w.b, ':')
	w.stack[len(w.stack)-1].afterKey = true
	return w
}

func (w *jw) str(s string) *jw { w.pre(); w.quote(s); return w }
func (w *jw) null() *jw        { w.pre(); w.b = append(w.b, "null"...); return w }
func (w *jw) raw(s string) *jw { w.pre(); w.b = append(w.b, s...); return w }
func (w *jw) int(n int64) *jw  { w.pre(); w.b = strconv.AppendInt(w.b, n, 10); return w }

func (w *jw) bool(v bool) *jw {
	w.pre()
	w.b = strconv.AppendBool(w.b, v)
	return w
}

// float1 writes n with PHP's JSON_PRESERVE_ZERO_FRACTION ("1.0").
func (w *jw) float1(n int64) *jw {
	w.pre()
	w.b = strconv.AppendInt(w.b, n, 10)
	w.b = append(w.b, ".0"...)
	return w
}

// strOrNull writes s, or null when ok is false.
func (w *jw) strOrNull(s string, ok bool) *jw {
	if !ok {
		return w.null()
	}
	return w.str(s)
}

// kv writes "k":"v".
func (w *jw) kv(k, v string) *jw { return w.key(k).str(v) }

const hexDigits = "0123456789abcdef"

func (w *jw) quote(s string) {
	w.b = append(w.b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '"' && w.hex:
				w.b = append(w.b, `\u0022`...)
			case c == '"':
				w.b = append(w.b, `\"`...)
			case c == '\\':
				w.b = append(w.b, `\\`...)
			case c == '/':
				w.b = append(w.b, `\/`...)
			case w.hex && c == '<':
				w.b = append(w.b, `\u003C`...)
			case w.hex && c == '>':
				w.b = append(w.b, `\u003E`...)
			case w.hex && c == '&':
				w.b = append(w.b, `\u0026`...)
			case w.hex && c == '\'':
				w.b = append(w.b, `\u0027`...)
			case c == '\n':
				w.b = append(w.b, `\n`...)
			case c == '\r':
				w.b = append(w.b, `\r`...)
			case c == '\t':
				w.b = append(w.b, `\t`...)
			case c == '\b':
				w.b = append(w.b, `\b`...)
			case c == '\f':
				w.b = append(w.b, `\f`...)
			case c < 0x20:
				w.b = append(w.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				w.b = append(w.b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			r = 0xfffd
		}
		if r > 0xffff {
			r -= 0x10000
			w.u4(0xd800 + (r>>10)&0x3ff)
			w.u4(0xdc00 + r&0x3ff)
			continue
		}
		w.u4(r)
	}
	w.b = append(w.b, '"')
}

func (w *jw) u4(r rune) {
	w.b = append(w.b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
