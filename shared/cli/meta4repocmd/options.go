package meta4repocmd

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/metalink-resources/metalink-resources/shared/cli"
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
	flags.UintVar(&o.rebase, "rebase", 3, "git: retries of a push rejected because the branch moved")
	flags.StringVar(&o.region, "region", "", "s3: the bucket's region (default: from the host, or us-east-1)")
	flags.StringVar(&o.roleARN, "role-arn", "", "s3: assume this role with the credentials found")
	flags.BoolVar(&o.disableSSL, "disable-ssl", false, "s3: plain http to the endpoint (local servers only)")
}

// layer is the options JSON for the backend of uri's scheme. A flag meant
// for another backend is an error rather than silently unused.
func (o *repoOptions) layer(uri string, getenv func(string) string) (json.RawMessage, error) {
	scheme, _, _ := strings.Cut(strings.ToLower(uri), "://")
	isGit := scheme == "git" || strings.HasPrefix(scheme, "git+")
	others := append(append([]string(nil), gitFlags...), s3Flags...)
	switch {
	case isGit:
		others = s3Flags
	case scheme == "s3":
		others = gitFlags
	}
	// A variable meant for another backend may well be set for other
	// commands; only a flag on this command line is a mistake.
	for _, name := range others {
		if cli.FromCommandLine(o.flags, name) {
			return nil, fmt.Errorf("--%s does not apply to %s:// repositories", name, scheme)
		}
	}
	var options map[string]any
	switch {
	case isGit:
		var err error
		if options, err = o.gitOptions(getenv); err != nil {
			return nil, err
		}
	case scheme == "s3":
		options = o.s3Options()
	default:
		return nil, nil // file and http repositories take no options
	}
	return json.Marshal(options)
}

func (o *repoOptions) gitOptions(getenv func(string) string) (map[string]any, error) {
	options := map[string]any{}
	set := func(key, value string) {
		if value != "" {
			options[key] = value
		}
	}
	for _, file := range []struct{ key, flag, path string }{
		{"private_key", "private-key-file", o.privateKeyFile},
		{"known_hosts", "known-hosts-file", o.knownHostsFile},
	} {
		if file.path == "" {
			continue
		}
		data, _, err := cli.ReadFile(file.path, nil, maxKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cli.Origin(o.flags, file.flag), err)
		}
		set(file.key, string(data))
	}
	set("private_key_passphrase", getenv(envPassphrase))
	set("username", o.username)
	set("password", getenv(envPassword))
	set("author_name", o.authorName)
	set("author_email", o.authorEmail)
	set("committer_name", o.committerName)
	set("committer_email", o.committerEmail)
	set("message", o.message)
	options["rebase"] = o.rebase
	return options, nil
}

func (o *repoOptions) s3Options() map[string]any {
	options := map[string]any{"disable_ssl": o.disableSSL}
	if o.region != "" {
		options["region"] = o.region
	}
	if o.roleARN != "" {
		options["role_arn"] = o.roleARN
	}
	return options
}
