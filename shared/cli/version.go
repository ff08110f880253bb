package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is the tools' version, set at build time with
// -ldflags "-X github.com/metalink-resources/metalink-resources/shared/cli.Version=1.2.3";
// without it the module version and VCS revision Go recorded are shown.
var Version = ""

func versionCommand(tool string) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of " + tool,
		Args:  Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", tool, describeVersion())
			return err
		},
	}
}

func describeVersion() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	version := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			version += " " + s.Value
		}
	}
	return version
}
