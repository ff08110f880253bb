package gitrepo

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Defaults for commits made by Put, as the original resource wrote them.
const (
	defaultIdentityName  = "metalink-repository"
	defaultIdentityEmail = "metalink-repository@localhost"
	defaultMessage       = "update metalink"
	defaultRebase        = 3
)

// settings are the validated source.options of a git repository.
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
	rebase               int // retries after a rejected push
}

// stringOptions maps each string-valued option key to its field.
func (s *settings) stringOptions() map[string]*string {
	return map[string]*string{
		"private_key":            &s.privateKey,
		"private_key_passphrase": &s.privateKeyPassphrase,
		"known_hosts":            &s.knownHosts,
		"username":               &s.username,
		"password":               &s.password,
		"author_name":            &s.authorName,
		"author_email":           &s.authorEmail,
		"committer_name":         &s.committerName,
		"committer_email":        &s.committerEmail,
		"message":                &s.message,
	}
}

// decodeOptions validates options strictly: an unknown key or a value of the
// wrong type is an error that names the key.
func decodeOptions(options map[string]any) (settings, error) {
	s := settings{
		authorName: defaultIdentityName, authorEmail: defaultIdentityEmail,
		committerName: defaultIdentityName, committerEmail: defaultIdentityEmail,
		message: defaultMessage, rebase: defaultRebase,
	}
	fields := s.stringOptions()
	for _, key := range sortedKeys(options) {
		value := options[key]
		if key == "rebase" {
			rebase, err := decodeRebase(value)
			if err != nil {
				return settings{}, fmt.Errorf("options.rebase: %w", err)
			}
			s.rebase = rebase
			continue
		}
		field, known := fields[key]
		if !known {
			return settings{}, fmt.Errorf("options: unknown key %q (git options are %s)", key, knownKeys(fields))
		}
		text, isString := value.(string)
		if !isString {
			return settings{}, fmt.Errorf("options.%s: expected a string", key)
		}
		if text != "" || !isDefaulted(key) {
			*field = text
		}
	}
	return s, nil
}

// isDefaulted tells whether an empty value keeps the default rather than
// clearing it: an empty committer name would make an invalid commit.
func isDefaulted(key string) bool {
	switch key {
	case "author_name", "author_email", "committer_name", "committer_email", "message":
		return true
	}
	return false
}

// decodeRebase accepts a whole number written as a JSON number or a string.
func decodeRebase(value any) (int, error) {
	var text string
	switch v := value.(type) {
	case string:
		text = strings.TrimSpace(v)
	case json.Number:
		text = v.String()
	case float64:
		if v != math.Trunc(v) || v < 0 || v > math.MaxInt32 {
			return 0, fmt.Errorf("%v is not a whole number of retries", v)
		}
		return int(v), nil
	case int:
		text = strconv.Itoa(v)
	default:
		return 0, fmt.Errorf("expected a number or a string, got %T", value)
	}
	n, err := strconv.ParseUint(text, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number of retries", text)
	}
	return int(n), nil
}

func sortedKeys(options map[string]any) []string {
	keys := make([]string, 0, len(options))
	for key := range options {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

func knownKeys(fields map[string]*string) string {
	keys := make([]string, 0, len(fields)+1)
	for key := range fields {
		keys = append(keys, key)
	}
	keys = append(keys, "rebase")
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
