package meta4repocmd

import (
	"fmt"
	"slices"

	"github.com/spf13/pflag"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// maxKeyFile bounds a key or known_hosts file.
const maxKeyFile = 1 << 20

// repoOptions are the flags that become a backend's options, as a
// pipeline's source.options would hold them.
type repoOptions struct {
	flags *pflag.FlagSet

	privateKeyFile, knownHostsFile, username string
	authorName, authorEmail                  string
	committerName, committerEmail, message   string
	rebase                                   uint
	region, roleARN                          string
	disableSSL                               bool
}

// gitFlags and s3Flags say which backend each flag is for.
var (
	gitFlags = []string{"private-key-file", "known-hosts-file", "username", "author-name", "author-email",
		"committer-name", "committer-email", "message", "rebase"}
	s3Flags = []string{"region", "role-arn", "disable-ssl"}
)

// names say the backends' fields as meta4-repo sets them: by the flag or
// the variable the value came from.
func (o *repoOptions) names(field string) string {
	switch field {
	case "uri":
		return "URI"
	case "options":
		return "the options"
	case "options.private_key":
		return cli.Origin(o.flags, "private-key-file")
	case "options.private_key_passphrase":
		return "$" + envPassphrase
	case "options.known_hosts":
		return cli.Origin(o.flags, "known-hosts-file")
	case "options.username/password":
		return cli.Origin(o.flags, "username") + "/$" + envPassword
	case "options.rebase":
		return cli.Origin(o.flags, "rebase")
	}
	return field
}

func (o *repoOptions) register(flags *pflag.FlagSet) {
	o.flags = flags
	flags.StringVar(&o.privateKeyFile, "private-key-file", "", "git+ssh: file holding the ssh private key")
	flags.StringVar(&o.knownHostsFile, "known-hosts-file", "", "git+ssh: known_hosts file the server's host key must be in (unchecked without it)")
	flags.StringVar(&o.username, "username", "", "git over http(s): user name when the URI has none (password: $"+envPassword+")")
	flags.StringVar(&o.authorName, "author-name", "", "git: author of the commits put makes (default metalink-repository)")
	flags.StringVar(&o.authorEmail, "author-email", "", "git: the author's email (default metalink-repository@localhost)")
	flags.StringVar(&o.committerName, "committer-name", "", "git: committer of the commits put makes (default: as the author's default)")
	flags.StringVar(&o.committerEmail, "committer-email", "", "git: the committer's email")
	flags.StringVar(&o.message, "message", "", "git: commit message (default \"update metalink\")")
	flags.UintVar(&o.rebase, "rebase", gitrepo.DefaultRebase, "git: retries of a push rejected because the branch moved")
	flags.StringVar(&o.region, "region", "", "s3: the bucket's region (default: from the host, or us-east-1)")
	flags.StringVar(&o.roleARN, "role-arn", "", "s3: assume this role with the credentials found")
	flags.BoolVar(&o.disableSSL, "disable-ssl", false, "s3: plain http to the endpoint (local servers only)")
}

// backendOptions are the options of target's backend from the flags and
// the environment. When strict, a flag meant for another backend is an
// error rather than silently unused (serve, given several repositories,
// checks that each flag applies to one of them: checkFlagsApply).
func (o *repoOptions) backendOptions(target backend.Target, getenv func(string) string, strict bool) (backend.Options, error) {
	// A variable meant for another backend may well be set for other
	// commands; only a flag on this command line is a mistake.
	for _, name := range otherFlags(target.Kind) {
		if strict && cli.FromCommandLine(o.flags, name) {
			return backend.Options{}, fmt.Errorf("--%s does not apply to %s:// repositories", name, target.Scheme)
		}
	}
	var options backend.Options
	switch target.Kind {
	case backend.Git:
		git, err := o.gitOptions(getenv)
		if err != nil {
			return options, err
		}
		options.Git = git
	case backend.S3:
		options.S3 = s3client.Options{Region: o.region, RoleARN: o.roleARN, DisableSSL: strictjson.Bool(o.disableSSL)}
	}
	return options, nil
}

// otherFlags are the flags for backends other than kind.
func otherFlags(kind backend.Kind) []string {
	others := map[backend.Kind][]string{backend.Git: s3Flags, backend.S3: gitFlags}[kind]
	if others == nil {
		others = append(append([]string(nil), gitFlags...), s3Flags...)
	}
	return others
}

// checkFlagsApply refuses a backend flag on the command line that applies
// to none of targets. except are flags that also mean something else.
func (o *repoOptions) checkFlagsApply(targets []backend.Target, except ...string) error {
	for _, name := range append(append([]string(nil), gitFlags...), s3Flags...) {
		if !cli.FromCommandLine(o.flags, name) || slices.Contains(except, name) {
			continue
		}
		applies := false
		for _, target := range targets {
			applies = applies || !slices.Contains(otherFlags(target.Kind), name)
		}
		if !applies {
			return fmt.Errorf("--%s applies to none of the repositories", name)
		}
	}
	return nil
}

func (o *repoOptions) gitOptions(getenv func(string) string) (gitrepo.Options, error) {
	options := gitrepo.Options{
		PrivateKeyPassphrase: getenv(envPassphrase),
		Username:             o.username,
		Password:             getenv(envPassword),
		AuthorName:           o.authorName,
		AuthorEmail:          o.authorEmail,
		CommitterName:        o.committerName,
		CommitterEmail:       o.committerEmail,
		Message:              o.message,
		Rebase:               &o.rebase,
	}
	for _, file := range []struct {
		into       *string
		flag, path string
	}{
		{&options.PrivateKey, "private-key-file", o.privateKeyFile},
		{&options.KnownHosts, "known-hosts-file", o.knownHostsFile},
	} {
		if file.path == "" {
			continue
		}
		data, _, err := smallfile.Read(file.path, nil, maxKeyFile)
		if err != nil {
			return options, fmt.Errorf("%s: %w", cli.Origin(o.flags, file.flag), err)
		}
		*file.into = string(data)
	}
	return options, nil
}
