package bytesize_test

import (
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/bytesize"
)

func TestParseReadsSizesAsPeopleWriteThem(t *testing.T) {
	for _, c := range []struct {
		text string
		want int64
	}{
		{"16777216", 16 << 20}, {"16MiB", 16 << 20}, {"20M", 20 << 20}, {"1 GB", 1e9}, {"200GiB", 200 << 30},
		{" 2t ", 2 << 40}, {"1TB", 1e12}, {"0", 0},
	} {
		if got, err := bytesize.Parse(c.text); err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.text, got, err, c.want)
		}
	}
}

func TestParseRefusesWhatIsNoSize(t *testing.T) {
	for _, text := range []string{"", "lots", "-1", "1.5G", "12 parsecs", "9999999999999999999", "4611686018427387904G"} {
		if _, err := bytesize.Parse(text); err == nil {
			t.Errorf("Parse(%q) succeeded", text)
		}
	}
}
