package s3client

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Options are the credential and endpoint options shared by the S3 repository,
// url_handlers and mirror destinations.
type Options struct {
	AccessKey    string `json:"access_key"`
	SecretKey    string `json:"secret_key"`
	SessionToken string `json:"session_token"`
	RoleARN      string `json:"role_arn"`
	Region       string `json:"region"`
	DisableSSL   bool   `json:"disable_ssl"`

	// Anonymous sends unsigned requests without consulting the SDK's default
	// credential chain; it is how the built-in s3 download handler reads
	// public objects. Not settable from a pipeline.
	Anonymous bool `json:"-"`
}

// stringOptions are the keys whose values must be strings, with where each goes.
func (o *Options) stringOptions() map[string]*string {
	return map[string]*string{
		"access_key":    &o.AccessKey,
		"secret_key":    &o.SecretKey,
		"session_token": &o.SessionToken,
		"role_arn":      &o.RoleARN,
		"region":        &o.Region,
	}
}

// ParseOptions decodes options as a pipeline author wrote them (a YAML/JSON
// map). Unknown keys, values of the wrong type and incomplete credentials are
// errors naming the key; values never appear in errors since they may be secret.
func ParseOptions(raw map[string]any) (Options, error) {
	var opts Options
	targets := opts.stringOptions()
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		value := raw[key]
		if target, ok := targets[key]; ok {
			s, isString := value.(string)
			if !isString {
				return Options{}, fmt.Errorf("%s: expected a string, got %s", key, typeName(value))
			}
			*target = s
			continue
		}
		if key != "disable_ssl" {
			return Options{}, fmt.Errorf("unknown key %q (expected access_key, secret_key, session_token, role_arn, region or disable_ssl)", key)
		}
		disable, err := parseBool(value)
		if err != nil {
			return Options{}, fmt.Errorf("disable_ssl: %w", err)
		}
		opts.DisableSSL = disable
	}
	if err := opts.validateCredentials(); err != nil {
		return Options{}, err
	}
	return opts, nil
}

func (o Options) validateCredentials() error {
	switch {
	case o.AccessKey != "" && o.SecretKey == "":
		return errors.New("access_key is set but secret_key is not")
	case o.SecretKey != "" && o.AccessKey == "":
		return errors.New("secret_key is set but access_key is not")
	case o.SessionToken != "" && o.AccessKey == "":
		return errors.New("session_token needs access_key and secret_key")
	}
	return nil
}

// parseBool accepts a YAML boolean or a string such as "true", which is what
// a ((var)) interpolation produces.
func parseBool(value any) (bool, error) {
	switch v := value.(type) {
	case bool:
		return v, nil
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return false, fmt.Errorf("expected true or false, got %q", v)
		}
		return b, nil
	}
	return false, fmt.Errorf("expected true or false, got %s", typeName(value))
}

func typeName(value any) string {
	switch value.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case float64, float32, int, int64, int32, uint, uint64, uint32, json.Number:
		return "a number"
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("a %T", value)
}
