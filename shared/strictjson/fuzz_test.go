package strictjson_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// FuzzDecode checks that no input makes Decode panic, that every error is one
// line short enough for a build log, whatever the target, and that what
// Decode accepts into an interface it reads as encoding/json does.
func FuzzDecode(f *testing.F) {
	for _, c := range errorCases {
		if len(c.data) < 4096 { // the 1 MB cases would only slow the fuzzer
			f.Add([]byte(c.data))
		}
	}
	f.Add([]byte(`{"source": {"uri": "u", "mirror_files": [{"url": "a", "priority": 1}], "extra": {"a": [1, null]}}}`))
	f.Add([]byte(`{"disable_ssl": "true", "retries": "3", "token": 5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		targets := []struct {
			path string
			v    any
		}{
			{"", &request{}},
			{"source.options", &options{}},
			{"source.extra", new(any)},
		}
		for _, target := range targets {
			if err := strictjson.Decode(data, target.path, target.v); err != nil {
				checkMessage(t, err.Error())
			} else if !json.Valid(data) {
				t.Fatalf("accepted invalid JSON %q", data)
			}
		}
		if generic := targets[2].v.(*any); *generic != nil {
			checkSameAsEncodingJSON(t, data, *generic)
		}
	})
}

func checkMessage(t *testing.T, msg string) {
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error spans lines: %q", msg)
	}
	if len(msg) > 1000 {
		t.Fatalf("error of %d bytes: %.200q", len(msg), msg)
	}
}

func checkSameAsEncodingJSON(t *testing.T, data []byte, got any) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("encoding/json refused what Decode accepted: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode read %#v, encoding/json %#v", got, want)
	}
}
