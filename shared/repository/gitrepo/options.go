package gitrepo

import (
	"fmt"
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
	defaultRebase        = 3
)

// Options are the source.options of a git repository as the author writes them.
type Options struct {
	PrivateKey           string              `json:"private_key" secret:"true"`
	PrivateKeyPassphrase string              `json:"private_key_passphrase" secret:"true"`
	KnownHosts           string              `json:"known_hosts"`
	Username             string              `json:"username"`
	Password             string              `json:"password" secret:"true"`
	AuthorName           string              `json:"author_name"`
	AuthorEmail          string              `json:"author_email"`
	CommitterName        string              `json:"committer_name"`
	CommitterEmail       string              `json:"committer_email"`
	Message              string              `json:"message"`
	Rebase               strictjson.Flexible `json:"rebase"`
}

// settings are the validated options, defaults filled in.
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

// decodeOptions validates the options strictly; an empty identity or
// message keeps its default, since an empty committer name would make an
// invalid commit.
func decodeOptions(options *repository.Options) (settings, error) {
	var o Options
	if err := options.Decode(&o); err != nil {
		return settings{}, err
	}
	rebase, ok, err := o.Rebase.Uint() // checked by CheckLayer already
	if err != nil {
		return settings{}, err
	}
	if !ok {
		rebase = defaultRebase
	}
	return settings{
		privateKey: o.PrivateKey, privateKeyPassphrase: o.PrivateKeyPassphrase, knownHosts: o.KnownHosts,
		username: o.Username, password: o.Password,
		authorName: orDefault(o.AuthorName, defaultIdentityName), authorEmail: orDefault(o.AuthorEmail, defaultIdentityEmail),
		committerName: orDefault(o.CommitterName, defaultIdentityName), committerEmail: orDefault(o.CommitterEmail, defaultIdentityEmail),
		message: o.Message, rebase: int(rebase),
		secrets: strictjson.Secrets(&o),
		names:   options.Names,
	}, nil
}

// CheckLayer names the layer a rebase that is no whole number came from.
func (o *Options) CheckLayer(path string) error {
	if _, _, err := o.Rebase.Uint(); err != nil {
		return fmt.Errorf("%s: %w (a number of retries)", strictjson.Join(path, "rebase"), err)
	}
	return nil
}

// commitMessage is options.message when set, else what the put says it
// changes, else the original resource's message.
func (s settings) commitMessage(summary string) string {
	return orDefault(s.message, orDefault(summary, defaultMessage))
}

func orDefault(value, fallback string) string {
	if strings.TrimSpace(value) == "" {
		return fallback
	}
	return value
}
