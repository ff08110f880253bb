package field_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/field"
)

var resource = field.Names(func(f string) string { return "source.options." + f })

func TestErrorsSayTheFieldInTheFrontEndsWords(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{resource.Errorf("known_hosts", "no key in line %d", 2), "source.options.known_hosts: no key in line 2"},
		{resource.ValueError("uri", `"x"`, errors.New("expected SCHEME://…")), `source.options.uri "x": expected SCHEME://…`},
		{resource.Required("private_key", " for git+ssh"), "source.options.private_key is required for git+ssh"},
		{field.Names(nil).Required("uri", ""), "uri is required"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestAnErrorSaysWhichFieldItIsAbout(t *testing.T) {
	err := fmt.Errorf("list: %w", resource.Errorf("rebase", "not a number"))
	var fe *field.Error
	if !errors.As(err, &fe) || fe.Field != "rebase" || fe.Name != "source.options.rebase" {
		t.Fatalf("errors.As found %+v", fe)
	}
	if !errors.Is(resource.Required("uri", ""), field.ErrRequired) {
		t.Error("a required field's error is not ErrRequired")
	}
}
