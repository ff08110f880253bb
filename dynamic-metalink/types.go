// Package dynamicmetalink implements the check, in and out commands of the
// dynamic-metalink resource: versions come from the version_check script and
// the metalink of a version from the metalink_get script.
package dynamicmetalink

import (
	"encoding/json"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
)

// Source is the resource's `source` block as a pipeline author writes it.
type Source struct {
	VersionCheck  string `json:"version_check"`
	MetalinkGet   string `json:"metalink_get"`
	Version       string `json:"version,omitempty"`
	ScriptTimeout string `json:"script_timeout,omitempty"`
	// The download keys: include_files, exclude_files, url_handlers,
	// the signature trust (signature_trust_store, minisign_public_keys,
	// ssh_allowed_signers, sigstore) and the skip_* flags.
	getstep.Source
}

// CheckRequest is what Concourse sends to check.
type CheckRequest = concourse.CheckRequest[Source]

// InRequest is what Concourse sends to in.
type InRequest = getstep.InRequest[Source]

// OutRequest is what Concourse sends to out, which refuses every put.
type OutRequest struct {
	Source Source          `json:"source"`
	Params json.RawMessage `json:"params"`
}
