package clirun

import (
	"strings"

	"github.com/spf13/pflag"
)

// EnvDefaults sets every flag of flags that the command line left unset
// from the environment variable PREFIX + its name in upper case with '_'
// for '-' (--known-hosts-file: META4_REPO_KNOWN_HOSTS_FILE), so that
// options can come from a pipeline's params as well as from flags.
func EnvDefaults(flags *pflag.FlagSet, prefix string, getenv func(string) string) error {
	var err error
	flags.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed {
			return
		}
		name := EnvName(prefix, f.Name)
		value := getenv(name)
		if value == "" {
			return
		}
		if setErr := flags.Set(f.Name, value); setErr != nil {
			err = Usagef("$%s: %v", name, setErr)
		}
	})
	return err
}

// EnvName is the environment variable EnvDefaults reads for a flag.
func EnvName(prefix, flag string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}
