package gitrepo

import (
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// Defaults for commits made by Put, as the original resource wrote them.
const (
	defaultIdentityName  = "metalink-repository"
	defaultIdentityEmail = "metalink-repository@localhost"
	defaultMessage       = "update metalink"
	// DefaultRebase is how often a push rejected because the branch moved
	// is retried when Options.Rebase is nil.
	DefaultRebase = 3
)

// Options configure a git repository. The JSON keys are the option names
// front ends show (the resource's source.options keys); the fields tagged
// secret are never printed.
type Options struct {
	PrivateKey           string `json:"private_key" secret:"true"`
	PrivateKeyPassphrase string `json:"private_key_passphrase" secret:"true"`
	KnownHosts           string `json:"known_hosts"`
	Username             string `json:"username"`
	Password             string `json:"password" secret:"true"`
	AuthorName           string `json:"author_name"`
	AuthorEmail          string `json:"author_email"`
	CommitterName        string `json:"committer_name"`
	CommitterEmail       string `json:"committer_email"`
	Message              string `json:"message"`
	// Rebase is how often a rejected push is retried; nil: DefaultRebase.
	Rebase *uint `json:"-"`
}

// settings are the options with defaults filled in.
type settings struct {
	privateKey           string
	privateKeyPassphrase string
	knownHosts           string
	username             string
	password             string
	authorName           string
	authorEmail          string
	committerName        string
	committerEmail       string
	message              string
	rebase               int      // retries after a rejected push
	secrets              []string // the values of the fields tagged secret
	names                field.Names
}

// newSettings fills in the defaults; an empty identity or message keeps its
// default, since an empty committer name would make an invalid commit.
func newSettings(o Options, names field.Names) settings {
	rebase := uint(DefaultRebase)
	if o.Rebase != nil {
		rebase = *o.Rebase
	}
	return settings{
		privateKey: o.PrivateKey, privateKeyPassphrase: o.PrivateKeyPassphrase, knownHosts: o.KnownHosts,
		username: o.Username, password: o.Password,
		authorName: orDefault(o.AuthorName, defaultIdentityName), authorEmail: orDefault(o.AuthorEmail, defaultIdentityEmail),
		committerName: orDefault(o.CommitterName, defaultIdentityName), committerEmail: orDefault(o.CommitterEmail, defaultIdentityEmail),
		message: o.Message, rebase: int(rebase),
		secrets: strictjson.Secrets(&o),
		names:   names,
	}
}

// commitMessage is options.message when set, else what the put says it
// changes, else the original resource's message.
// commitMessage is the configured message, else the put's summary, with
// the put's trailers in git's trailer form after a blank line.
func (s settings) commitMessage(summary string, trailers []repository.Trailer) string {
	message := orDefault(s.message, orDefault(summary, defaultMessage))
	if len(trailers) == 0 {
		return message
	}
	message = strings.TrimRight(message, "\n") + "\n"
	for i, t := range trailers {
		if i == 0 {
			message += "\n"
		}
		message += t.Key + ": " + t.Value + "\n"
	}
	return message
}

func orDefault(value, fallback string) string {
	if strings.TrimSpace(value) == "" {
		return fallback
	}
	return value
}
