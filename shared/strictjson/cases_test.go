package strictjson_test

import "strings"

// errorCase is one document Decode must refuse, with the exact message. The
// cases also seed FuzzDecode.
type errorCase struct {
	name string
	path string     // the path given to Decode
	data string     // the document
	into func() any // the target; nil means a *request
	want string
}

func intoOptions() any       { return &options{} }
func intoAny() any           { return new(any) }
func intoUnsupported() any   { return &unsupported{} }
func intoHiddenPointer() any { return &hiddenPointer{} }

// nest wraps inner in depth arrays.
func nest(depth int, inner string) string {
	return strings.Repeat("[", depth) + inner + strings.Repeat("]", depth)
}

// longKey is as long as a key is printed in full.
var longKey = strings.Repeat("k", 100)

// deepLongKeys nests depth objects, each under longKey.
func deepLongKeys(depth int) string {
	return strings.Repeat(`{"`+longKey+`":`, depth) + "1" + strings.Repeat("}", depth)
}

// deepLongKeysPath is the path of depth nested longKeys as an error prints
// it: its first and last 300 bytes.
func deepLongKeysPath(depth int) string {
	full := strings.TrimPrefix(strings.Repeat("."+longKey, depth), ".")
	return full[:300] + "…" + full[len(full)-300:]
}

var errorCases = []errorCase{
	// The document as a whole.
	{name: "empty data", data: "", want: "empty request: expected a JSON object"},
	{name: "whitespace only", data: " \n\t\r ", want: "empty request: expected a JSON object"},
	{name: "empty option map, with its path", path: "source.options", data: "", into: intoOptions,
		want: "source.options: empty request: expected a JSON object"},
	{name: "a second value", data: `{} {}`, want: "unexpected data after the JSON value"},
	{name: "trailing garbage", data: `{"source": {}} x`, want: "unexpected data after the JSON value"},
	{name: "trailing data after an option map", path: "source.options", data: `{}]`, into: intoOptions,
		want: "source.options: unexpected data after the JSON value"},
	{name: "a bad literal", data: `{"source": {"uri": tru}}`,
		want: "source.uri: malformed JSON at byte 23: invalid character '}' in literal true (expecting 'e')"},
	{name: "a missing colon", data: `{"source" {}}`,
		want: "source: malformed JSON at byte 11: invalid character '{' after object key"},
	{name: "a trailing comma", data: `{"source": {"exclude_files": ["a",]}}`,
		want: "source.exclude_files[1]: malformed JSON at byte 35: invalid character ']' looking for beginning of value"},
	{name: "a newline inside a string, printed escaped", data: "{\"source\": \"a\nb\"}",
		want: `source: malformed JSON at byte 14: invalid character '\n' in string literal`},
	{name: "input cut short after a key", data: `{"source": `,
		want: "source: malformed JSON at byte 11: unexpected end of JSON input"},
	{name: "input cut short before a closing brace", data: `{"source": {}`,
		want: "malformed JSON at byte 13: unexpected end of JSON input"},
	{name: "input cut short inside a key", data: `{"sou`,
		want: "malformed JSON at byte 5: unexpected end of JSON input"},
	{name: "malformed option map, with its path", path: "source.options", data: `{x}`, into: intoOptions,
		want: "source.options: malformed JSON at byte 2: invalid character 'x' looking for beginning of object key string"},

	// Keys match exactly; unknown keys are refused.
	{name: "an unknown key", data: `{"source": {"bogus": 1}}`, want: `unknown key "source.bogus"`},
	{name: "an unknown top-level key", data: `{"bogus": 1}`, want: `unknown key "bogus"`},
	{name: "a key in the wrong case", data: `{"source": {"URI": "x"}}`,
		want: `unknown key "source.URI" (did you mean "uri"?)`},
	{name: "a top-level key in the wrong case", data: `{"Source": {}}`,
		want: `unknown key "Source" (did you mean "source"?)`},
	{name: "an untagged field in the wrong case", data: `{"source": {"name": "x"}}`,
		want: `unknown key "source.name" (did you mean "Name"?)`},
	{name: "an unknown key in a slice of structs", data: `{"source": {"mirror_files": [{"url": "a"}, {"x": 1}]}}`,
		want: `unknown key "source.mirror_files[1].x"`},
	{name: "a promoted field in the wrong case", data: `{"source": {"Region": "x"}}`,
		want: `unknown key "source.Region" (did you mean "region"?)`},
	{name: "a tag without a name, in the wrong case", data: `{"source": {"onlyoptions": "x"}}`,
		want: `unknown key "source.onlyoptions" (did you mean "OnlyOptions"?)`},
	{name: "a field tagged json:\"-\"", data: `{"source": {"Skipped": "x"}}`, want: `unknown key "source.Skipped"`},
	{name: "an unexported field", data: `{"source": {"hidden": "x"}}`, want: `unknown key "source.hidden"`},
	{name: "a field of a tag-named embedded struct, at the outer level", data: `{"source": {"owner": "x"}}`,
		want: `unknown key "source.owner"`},
	{name: "a field of an unexported struct embedded by pointer", data: `{"region": "eu"}`, into: intoHiddenPointer,
		want: `unknown key "region"`},
	{name: "an unknown key holding a dot", data: `{"source": {"a.b": 1}}`, want: `unknown key "source["a.b"]"`},
	{name: "an unknown option, with its path", path: "source.options", data: `{"bogus": 1}`, into: intoOptions,
		want: `unknown key "source.options.bogus"`},
	{name: "an option key holding a dot", path: "source.options", data: `{"a.b": 1}`, into: intoOptions,
		want: `unknown key "source.options["a.b"]"`},
	{name: "an option in the wrong case", path: "source.options", data: `{"Disable_SSL": true}`, into: intoOptions,
		want: `unknown key "source.options.Disable_SSL" (did you mean "disable_ssl"?)`},

	// Duplicate keys, wherever they are.
	{name: "a duplicate top-level key", data: `{"source": {}, "source": {}}`, want: `duplicate key "source"`},
	{name: "a duplicate nested key", data: `{"source": {"uri": "a", "uri": "b"}}`, want: `duplicate key "source.uri"`},
	{name: "a duplicate key inside a json.RawMessage",
		data: `{"source": {"url_handlers": [{"type": "t", "options": {"k": 1, "k": 2}}]}}`,
		want: `duplicate key "source.url_handlers[0].options.k"`},
	{name: "a duplicate key inside a map", data: `{"source": {"headers": {"A": "1", "A": "2"}}}`,
		want: `duplicate key "source.headers.A"`},
	{name: "a duplicate key inside a map value", path: "source.options", data: `{"a": {"b": 1, "b": 2}}`, into: intoAny,
		want: `duplicate key "source.options.a.b"`},
	{name: "a duplicate key inside an unknown key", data: `{"bogus": {"b": 1, "b": 2}}`, want: `duplicate key "bogus.b"`},
	{name: "a duplicate key that differs only in case is two keys", data: `{"source": {"uri": "a", "URI": "b"}}`,
		want: `unknown key "source.URI" (did you mean "uri"?)`},

	// Type mismatches, in the author's terms.
	{name: "a number for a map", data: `{"source": 7}`, want: "source: expected a map, got a number"},
	{name: "a list for the whole request", data: `[]`, want: "expected a map, got a list"},
	{name: "a string for the whole request", data: `"x"`, want: "expected a map, got a string"},
	{name: "a number for a string", data: `{"source": {"uri": 5}}`, want: "source.uri: expected a string, got a number"},
	{name: "a boolean for a string", data: `{"source": {"uri": true}}`, want: "source.uri: expected a string, got a boolean"},
	{name: "a map for a string", data: `{"source": {"uri": {}}}`, want: "source.uri: expected a string, got a map"},
	{name: "a list for a string in a slice of structs",
		data: `{"source": {"url_handlers": [{"type": "a"}, {"type": []}]}}`,
		want: "source.url_handlers[1].type: expected a string, got a list"},
	{name: "a string for a list", data: `{"source": {"exclude_files": "x"}}`,
		want: "source.exclude_files: expected a list, got a string"},
	{name: "a map for a list", data: `{"source": {"mirror_files": {}}}`,
		want: "source.mirror_files: expected a list, got a map"},
	{name: "a list for a map", data: `{"source": {"headers": []}}`, want: "source.headers: expected a map, got a list"},
	{name: "a number for a map value", data: `{"source": {"headers": {"A": 1}}}`,
		want: "source.headers.A: expected a string, got a number"},
	{name: "a string for a bool", data: `{"source": {"debug": "true"}}`,
		want: "source.debug: expected true or false, got a string"},
	{name: "a string for a whole number", data: `{"source": {"count": "3"}}`,
		want: "source.count: expected a whole number, got a string"},
	{name: "a string for an unsigned number", data: `{"source": {"size": "1"}}`,
		want: "source.size: expected a whole number, got a string"},
	{name: "a string for a number", data: `{"source": {"ratio": "1"}}`,
		want: "source.ratio: expected a number, got a string"},
	{name: "a list for a number or a string", data: `{"source": {"mirror_files": [{"priority": []}]}}`,
		want: "source.mirror_files[0].priority: expected a number or a string, got a list"},
	{name: "a boolean for a number or a string", data: `{"source": {"mirror_files": [{"priority": true}]}}`,
		want: "source.mirror_files[0].priority: expected a number or a string, got a boolean"},
	{name: "a number for a Bool", path: "source.options", data: `{"disable_ssl": 1}`, into: intoOptions,
		want: "source.options.disable_ssl: expected true or false, got a number"},
	{name: "a map for a Bool", path: "source.options", data: `{"disable_ssl": {}}`, into: intoOptions,
		want: "source.options.disable_ssl: expected true or false, got a map"},
	{name: "a string other than true or false for a Bool", path: "source.options", data: `{"disable_ssl": "yes"}`,
		into: intoOptions, want: "source.options.disable_ssl: expected true or false"},
	{name: "a Bool string in another case", path: "source.options", data: `{"disable_ssl": "True"}`,
		into: intoOptions, want: "source.options.disable_ssl: expected true or false"},
	{name: "a list for an option map", path: "source.options", data: `[]`, into: intoOptions,
		want: "source.options: expected a map, got a list"},

	// null is "not set" only where a Go value can be unset.
	{name: "null in a list of strings", data: `{"source": {"exclude_files": [null]}}`,
		want: "source.exclude_files[0]: expected a string, got null"},
	{name: "null for a string", data: `{"source": {"uri": null}}`, want: "source.uri: expected a string, got null"},
	{name: "null for a bool", data: `{"source": {"debug": null}}`, want: "source.debug: expected true or false, got null"},
	{name: "null for a whole number", data: `{"source": {"count": null}}`,
		want: "source.count: expected a whole number, got null"},
	{name: "null for a number", data: `{"source": {"ratio": null}}`, want: "source.ratio: expected a number, got null"},
	{name: "null for a map value", data: `{"source": {"headers": {"A": null}}}`,
		want: "source.headers.A: expected a string, got null"},
	{name: "null for a Flexible", data: `{"source": {"mirror_files": [{"priority": null}]}}`,
		want: "source.mirror_files[0].priority: expected a number or a string, got null"},
	{name: "null for a Bool", path: "source.options", data: `{"disable_ssl": null}`, into: intoOptions,
		want: "source.options.disable_ssl: expected true or false, got null"},
	{name: "a fraction through a pointer", data: `{"source": {"limit": 1.5}}`,
		want: "source.limit: expected a whole number, got a number"},

	// Whole numbers.
	{name: "a fraction for a whole number", data: `{"source": {"count": 1.5}}`,
		want: "source.count: expected a whole number, got a number"},
	{name: "an exponent for a whole number", data: `{"source": {"count": 1e3}}`,
		want: "source.count: expected a whole number, got a number"},
	{name: "a fraction of zero for a whole number", data: `{"source": {"count": 1.0}}`,
		want: "source.count: expected a whole number, got a number"},
	{name: "an int overflow", data: `{"source": {"count": 99999999999999999999}}`,
		want: "source.count: a whole number out of range"},
	{name: "an int8 underflow", data: `{"source": {"small": -129}}`, want: "source.small: a whole number out of range"},
	{name: "a uint8 overflow", data: `{"source": {"size": 256}}`, want: "source.size: a whole number out of range"},
	{name: "a negative number for a uint", data: `{"source": {"size": -1}}`, want: "source.size: a whole number out of range"},
	{name: "a hugely negative number for a uint", data: `{"source": {"big": -99999999999999999999}}`,
		want: "source.big: a whole number out of range"},
	{name: "a negative fraction for a uint", data: `{"source": {"size": -1.5}}`,
		want: "source.size: expected a whole number, got a number"},
	{name: "a uint64 overflow", data: `{"source": {"big": 18446744073709551616}}`,
		want: "source.big: a whole number out of range"},
	{name: "a float64 overflow", data: `{"source": {"ratio": 1e400}}`, want: "source.ratio: a number out of range"},
	{name: "a float32 overflow", data: `{"source": {"narrow": 1e39}}`, want: "source.narrow: a number out of range"},

	// Values never appear in errors.
	{name: "a secret number for a string", data: `{"source": {"secret_key": 12345678}}`,
		want: "source.secret_key: expected a string, got a number"},
	{name: "a secret string for a number", data: `{"source": {"count": "hunter2"}}`,
		want: "source.count: expected a whole number, got a string"},
	{name: "a secret string for a Bool", path: "source.options", data: `{"disable_ssl": "hunter2"}`, into: intoOptions,
		want: "source.options.disable_ssl: expected true or false"},

	// Types that decode themselves.
	{name: "a json.Unmarshaler's error, on one line", data: `{"source": {"upper": 1}}`,
		want: "source.upper: upper wants a string"},
	{name: "a json.Unmarshaler's long error, capped", data: `{"source": {"upper": "long"}}`,
		want: "source.upper: " + strings.Repeat("x", 300) + "…"},

	// Targets Decode cannot fill.
	{name: "a channel", data: `{"chan": 1}`, into: intoUnsupported,
		want: "chan: cannot be decoded into unsupported Go type chan int"},
	{name: "a map without string keys", data: `{"int_keys": {}}`, into: intoUnsupported,
		want: "int_keys: cannot be decoded into unsupported Go type map[int]string"},
	{name: "an interface with methods", data: `{"stringer": "x"}`, into: intoUnsupported,
		want: "stringer: cannot be decoded into unsupported Go type error"},
	{name: "an array", data: `{"array": [1, 2]}`, into: intoUnsupported,
		want: "array: cannot be decoded into unsupported Go type [2]int"},

	// Depth: objects and arrays count, the outer object and source included.
	{name: "lists nested too deeply", data: `{"source": {"extra": ` + nest(63, "") + `}}`,
		want: "source.extra" + strings.Repeat("[0]", 62) + ": nested too deeply"},
	{name: "maps nested too deeply", data: strings.Repeat(`{"a":`, 65) + "1" + strings.Repeat("}", 65), into: intoAny,
		want: strings.TrimPrefix(strings.Repeat(".a", 64), ".") + ": nested too deeply"},
	{name: "a hostile depth", data: nest(100000, ""), into: intoAny,
		want: strings.Repeat("[0]", 64) + ": nested too deeply"},

	// Long and odd keys.
	{name: "a 1 MB key", data: `{"source": {"` + strings.Repeat("a", 1<<20) + `": 1}}`,
		want: `unknown key "source.` + strings.Repeat("a", 100) + `…"`},
	{name: "a 1 MB key of two-byte runes", data: `{"source": {"` + strings.Repeat("é", 1<<19) + `": 1}}`,
		want: `unknown key "source["` + strings.Repeat("é", 50) + `…"]"`},
	{name: "a 1 MB key of control characters", data: `{"source": {"` + strings.Repeat(`\u0001`, 1<<17) + `": 1}}`,
		want: `unknown key "source["` + strings.Repeat(`\x01`, 25) + `…"]"`},
	{name: "long keys nested too deeply, the path shortened in the middle",
		data: deepLongKeys(65), into: intoAny, want: deepLongKeysPath(64) + ": nested too deeply"},
	{name: "a key with a newline", data: `{"source": {"a\nb": 1}}`, want: `unknown key "source["a\nb"]"`},
	{name: "an empty key", data: `{"source": {"": 1}}`, want: `unknown key "source[""]"`},
}
