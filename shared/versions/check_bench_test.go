package versions_test

import (
	"fmt"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// BenchmarkCheck5000 measures what a check adds for 5,000 script lines:
// parsing every line, then applying the check contract from an old current
// version (the worst case: almost everything is returned).
func BenchmarkCheck5000(b *testing.B) {
	lines := benchmarkLines(5000)
	current := lines[len(lines)-10]
	b.ReportAllocs()
	for b.Loop() {
		candidates := make([]versions.Version, 0, len(lines))
		for _, line := range lines {
			v, err := versions.Parse(line)
			if err != nil {
				b.Fatal(err)
			}
			candidates = append(candidates, v)
		}
		got, err := versions.Check(candidates, &current)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) < len(lines)/2 {
			b.Fatalf("check returned only %d versions", len(got))
		}
	}
}

// benchmarkLines makes a realistic mix in newest-first order, as `sort -rV`
// output is: plain releases, prereleases, v prefixes and letter suffixes.
func benchmarkLines(n int) []string {
	lines := make([]string, 0, n)
	for i := n - 1; len(lines) < n; i-- {
		major, minor, patch := i/500, i/20%25, i%20
		switch i % 4 {
		case 0:
			lines = append(lines, fmt.Sprintf("%d.%d.%d", major, minor, patch))
		case 1:
			lines = append(lines, fmt.Sprintf("v%d.%d.%d", major, minor, patch))
		case 2:
			lines = append(lines, fmt.Sprintf("%d.%d.%d-rc.%d", major, minor, patch, i%7))
		default:
			lines = append(lines, fmt.Sprintf("%d.%d.%d%c", major, minor, patch, 'a'+i%26))
		}
	}
	return lines
}
