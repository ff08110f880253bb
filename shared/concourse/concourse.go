// Package concourse is the one command core both resources run on: the
// Concourse resource protocol's wire types, and a Command that reads a strict
// JSON request from stdin, compiles the whole configuration once, runs, writes
// the one JSON answer to stdout and turns any failure into one redacted line
// on stderr with exit code 1.
package concourse

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// Version is the version object Concourse passes around.
type Version struct {
	Version string `json:"version"`
}

// MetadataField is one name/value pair shown in the Concourse UI.
type MetadataField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CheckRequest is what Concourse sends to check, for a resource whose
// source is S; Version is nil (or empty) on the first check.
type CheckRequest[S any] struct {
	Source  S        `json:"source"`
	Version *Version `json:"version"`
}

// Response is the answer of `in` and `out`.
type Response struct {
	Version  Version         `json:"version"`
	Metadata []MetadataField `json:"metadata,omitempty"`
}

// respond writes v as the single JSON answer on stdout.
func respond(stdout io.Writer, v any) error {
	if err := json.NewEncoder(stdout).Encode(v); err != nil {
		return fmt.Errorf("write response: %w", err)
	}
	return nil
}

// Current is the version a check starts from: nil on the first check, which
// Concourse sends without a version or with an empty one.
func Current(v *Version) *string {
	if v == nil || v.Version == "" {
		return nil
	}
	return &v.Version
}

// CheckAnswer orders candidates by the check contract (see versions.Check)
// and turns them into check's answer, never null.
func CheckAnswer(candidates []versions.Version, current *Version) ([]Version, error) {
	found, err := versions.Check(candidates, Current(current))
	if err != nil {
		return nil, err
	}
	answer := make([]Version, 0, len(found))
	for _, v := range found {
		answer = append(answer, Version{Version: v.Raw})
	}
	return answer, nil
}
