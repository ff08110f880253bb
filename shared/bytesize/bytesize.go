// Package bytesize reads sizes as people write them in settings and
// flags: "16777216", "16MiB", "20M", "1 GB".
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

// units: K, M, G and T are binary, as aria2 reads them; KB, MB, GB and TB
// are decimal.
var units = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
}

// Parse reads a number of bytes, with or without a unit.
func Parse(text string) (int64, error) {
	trimmed := strings.TrimSpace(text)
	digits := strings.IndexFunc(trimmed, func(r rune) bool { return r < '0' || r > '9' })
	if digits < 0 {
		digits = len(trimmed)
	}
	n, err := strconv.ParseInt(trimmed[:digits], 10, 64)
	unit, known := units[strings.ToLower(strings.TrimSpace(trimmed[digits:]))]
	if err != nil || !known || n > (1<<62)/unit {
		return 0, fmt.Errorf("%s is not a size (bytes, or a number with a unit: 16MiB, 20M, 1GB)", strconv.Quote(trimmed))
	}
	return n * unit, nil
}
