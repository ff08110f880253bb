package strictjson_test

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// The types below mirror the shape of a resource request, so that the
// specs read like the errors a pipeline author would see.

type request struct {
	Source  source            `json:"source"`
	Params  params            `json:"params"`
	Version map[string]string `json:"version"`
}

// common is embedded by value; its uri is shadowed by source.URI.
type common struct {
	Debug bool   `json:"debug"`
	URI   string `json:"uri"`
}

// Location is embedded by pointer and allocated only when one of its keys is
// set. (An embedded pointer must be to an exported type to be allocated.)
type Location struct {
	Region string `json:"region"`
	Token  string `json:"token" secret:"true"`
}

// Meta is embedded with a tag name, so it is a key of its own.
type Meta struct {
	Owner string `json:"owner"`
}

type mirrorFile struct {
	URL      string              `json:"url"`
	Priority strictjson.Flexible `json:"priority"`
	Password string              `json:"password" secret:"true"`
}

type urlHandler struct {
	Type    string          `json:"type"`
	Options json.RawMessage `json:"options"`
}

type source struct {
	common
	*Location
	Meta `json:"meta"`

	URI          string            `json:"uri"`
	SecretKey    string            `json:"secret_key" secret:"true"`
	MirrorFiles  []mirrorFile      `json:"mirror_files"`
	ExcludeFiles []string          `json:"exclude_files"`
	URLHandlers  []urlHandler      `json:"url_handlers"`
	Headers      map[string]string `json:"headers" secret:"true"`
	Labels       map[string]string `json:"labels"`
	Extra        any               `json:"extra"`
	Count        int               `json:"count,omitempty"`
	Small        int8              `json:"small"`
	Size         uint8             `json:"size"`
	Big          uint64            `json:"big"`
	Ratio        float64           `json:"ratio"`
	Narrow       float32           `json:"narrow"`
	Limit        *int              `json:"limit"`
	Upper        upper             `json:"upper"`
	Name         string
	OnlyOptions  string `json:",omitempty"`
	Skipped      string `json:"-"`
	hidden       string // takes no key, being unexported
}

type params struct {
	Options options  `json:"options"`
	Nested  *options `json:"nested"`
}

// options is decoded on its own, with the path "source.options".
type options struct {
	DisableSSL strictjson.Bool     `json:"disable_ssl"`
	Retries    strictjson.Flexible `json:"retries"`
	Token      strictjson.Flexible `json:"token" secret:"true"`
	Mode       string              `json:"mode"`
}

// upper decodes itself: a string, upper-cased; it refuses anything else with
// an error of its own, which may be long or span lines.
type upper string

var errNotString = errors.New("upper wants\na string")

func (u *upper) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errNotString
	}
	if s == "long" {
		return errors.New(strings.Repeat("x", 2000))
	}
	*u = upper(strings.ToUpper(s))
	return nil
}

// unsupported holds field types Decode refuses.
type unsupported struct {
	Chan     chan int       `json:"chan"`
	IntKeys  map[int]string `json:"int_keys"`
	Stringer error          `json:"stringer"`
	Array    [2]int         `json:"array"`
}

// location cannot be allocated through hiddenPointer, being unexported, so
// its fields take no keys (encoding/json refuses it too).
type location struct {
	Region string `json:"region"`
}

type hiddenPointer struct {
	*location
}

// recursive embeds a pointer to itself; its keys are found once.
type Recursive struct {
	*Recursive
	Name string `json:"name"`
}
