package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// maxTypo is how many edits a misspelt flag may be from the one suggested.
const maxTypo = 2

// flagError is a usage error for a flag pflag refused, with the nearest
// flag of cmd suggested for an unknown one ("--formt": --format).
func flagError(cmd *cobra.Command, err error) error {
	name, unknown := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !unknown {
		return UsageError{Err: err}
	}
	if best := nearestFlag(cmd.Flags(), name); best != "" {
		err = fmt.Errorf("%w (did you mean --%s?)", err, best)
	}
	return UsageError{Err: err}
}

// nearestFlag is the visible flag closest to name, within maxTypo edits or
// starting with name, or "" when none is.
func nearestFlag(flags *pflag.FlagSet, name string) string {
	best, bestDistance := "", maxTypo+1
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := editDistance(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestDistance {
			best, bestDistance = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current := make([]int, len(b)+1)
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous = current
	}
	return previous[len(b)]
}

// shortUsage is what follows a usage error: how the command is called, its
// own flags, and where the rest are, rather than every global flag.
func shortUsage(cmd *cobra.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  %s\n", cmd.UseLine())
	if own := cmd.LocalNonPersistentFlags(); own.HasAvailableFlags() {
		fmt.Fprintf(&b, "\nFlags:\n%s", own.FlagUsages())
	}
	fmt.Fprintf(&b, "\nRun '%s --help' for every flag.\n", cmd.CommandPath())
	return b.String()
}
