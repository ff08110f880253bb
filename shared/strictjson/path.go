package strictjson

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxKeyBytes caps one key as printed in a path, so that a hostile 1 MB key
// cannot turn into a 1 MB error line.
const maxKeyBytes = 100

// ellipsis marks a key or a path that was cut short.
const ellipsis = "…"

// Join appends a key to a path: Join("", "source") == "source",
// Join("source", "uri") == "source.uri". A key holding anything but letters,
// digits, '_' and '-' is written quoted in brackets (source.options["a.b"]),
// so that the path stays unambiguous and on one line.
func Join(path, key string) string {
	if plainKey(key) {
		if len(key) > maxKeyBytes {
			key = key[:maxKeyBytes] + ellipsis // plain keys are ASCII
		}
		if path == "" {
			return key
		}
		return path + "." + key
	}
	return path + `["` + quotedKey(key) + `"]`
}

// Index appends a list index: Index("source.mirror_files", 2) ==
// "source.mirror_files[2]".
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// plainKey reports whether key can be printed bare after a dot.
func plainKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// quotedKey escapes key as strconv.Quote would, without the surrounding
// quotes, stopping once the escaped text reaches maxKeyBytes. It escapes rune
// by rune so that the cut falls on a rune boundary and a long key costs no
// more than the capped output.
func quotedKey(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); {
		_, size := utf8.DecodeRuneInString(key[i:])
		q := strconv.Quote(key[i : i+size])
		q = q[1 : len(q)-1]
		if b.Len()+len(q) > maxKeyBytes {
			b.WriteString(ellipsis)
			break
		}
		b.WriteString(q)
		i += size
	}
	return b.String()
}
