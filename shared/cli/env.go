package cli

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
			return
		}
		err = flags.SetAnnotation(f.Name, envAnnotation, []string{name})
	})
	return err
}

// envAnnotation marks a flag EnvDefaults set, with the variable it read.
const envAnnotation = "cli/env"

// FromCommandLine reports whether the flag called name was given on the
// command line, rather than left unset or read from the environment.
func FromCommandLine(flags *pflag.FlagSet, name string) bool {
	f := flags.Lookup(name)
	return f != nil && f.Changed && len(f.Annotations[envAnnotation]) == 0
}

// Origin names where the value of the flag called name came from, for an
// error about it: $VARIABLE when EnvDefaults read it, else --name.
func Origin(flags *pflag.FlagSet, name string) string {
	if f := flags.Lookup(name); f != nil && len(f.Annotations[envAnnotation]) > 0 {
		return "$" + f.Annotations[envAnnotation][0]
	}
	return "--" + name
}

// EnvName is the environment variable EnvDefaults reads for a flag.
func EnvName(prefix, flag string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}
