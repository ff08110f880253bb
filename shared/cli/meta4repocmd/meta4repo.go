// Package meta4repo is the meta4-repo command-line tool: it lists, shows
// and publishes the metalink documents of a repository through the same
// backends, filters and ordering as the metalink-repository resource, so a
// query at a shell answers what check and in will see.
package meta4repocmd

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// EnvPrefix starts the environment variable of every repository option
// flag (--known-hosts-file: META4_REPO_KNOWN_HOSTS_FILE) and of the secrets
// that have no flag.
const EnvPrefix = "META4_REPO_"

// The secrets that are read from the environment only: a command line is
// visible to every user of the machine.
const (
	envPassword   = EnvPrefix + "PASSWORD"
	envPassphrase = EnvPrefix + "PRIVATE_KEY_PASSPHRASE"
)

// secretVariables are environment variables whose values never appear in
// what meta4-repo prints.
var secretVariables = []string{envPassword, envPassphrase, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

type app struct {
	streams cli.Streams
	console *cli.Console
	options repoOptions
	network cli.Network
}

// New builds the meta4-repo command tree on streams, and the console its
// errors are printed on.
func New(streams cli.Streams) (*cobra.Command, *cli.Console) {
	a := &app{streams: streams, console: streams.Console(secretVariables)}
	root := &cobra.Command{
		Use:   "meta4-repo",
		Short: "Query and publish metalinks in a repository (file, git, S3 or an HTTP index)",
		Long: "meta4-repo reads a metalink repository as the metalink-repository resource does: the same URIs\n" +
			"(file://, git+file/http(s)/ssh:// with //sub/path and #branch, s3://, an http(s) index), the same\n" +
			"filters and version order. Every repository option flag can also come from the environment:\n" +
			"--known-hosts-file from " + cli.EnvName(EnvPrefix, "known-hosts-file") + ", and so on. Secrets come from the\n" +
			"environment only: $" + envPassword + " (git over http(s)), $" + envPassphrase + ", and S3\n" +
			"credentials from the AWS SDK's default chain (AWS_* variables, shared config, roles).",
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return cli.EnvDefaults(a.options.flags, EnvPrefix, streams.Getenv)
		},
	}
	a.options.register(root.PersistentFlags())
	a.network.Register(root.PersistentFlags())
	root.AddCommand(a.filterCommand(), a.showCommand(), a.putCommand(), a.serveCommand(), a.verifyCommand(), a.catalogCommand())
	cli.Prepare(root, streams)
	return root, a.console
}

// open configures and connects the repository at uri with the option flags.
func (a *app) open(ctx context.Context, uri string) (repository.Repository, error) {
	target, err := backend.Parse(uri, a.options.names)
	if err != nil {
		return nil, err
	}
	opener, err := a.configure(target, true)
	if err != nil {
		return nil, err
	}
	client, err := a.network.Client(a.console)
	if err != nil {
		return nil, err
	}
	return a.connect(ctx, opener, client)
}

// configure checks target and the option flags for its backend; strict
// refuses a flag meant for another backend.
func (a *app) configure(target backend.Target, strict bool) (repository.Opener, error) {
	options, err := a.options.backendOptions(target, a.streams.Getenv, strict)
	if err != nil {
		return nil, err
	}
	a.console.Hide(strictjson.Secrets(&options)...)
	return target.Configure(options, a.options.names)
}

// connect opens a configured repository, its requests through client.
func (a *app) connect(ctx context.Context, opener repository.Opener, client *network.Client) (repository.Repository, error) {
	repo, err := opener(ctx, repository.Env{TempDir: os.TempDir(), Stderr: a.console, Network: client})
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	return repo, nil
}

// openToRead opens the repository at uri for filter and show. A file://
// path that names nothing is refused: the resource reads it as an empty
// repository, but at a shell it is usually a typo.
func (a *app) openToRead(ctx context.Context, uri string) (repository.Repository, error) {
	if filerepo.IsFileURI(uri) {
		if err := filerepo.CheckExists(uri); err != nil {
			return nil, err
		}
	}
	return a.open(ctx, uri)
}
