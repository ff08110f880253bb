package metalinkrepository

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

// Concourse asks check every minute or so with the version it knows. While
// the repository holds the same state (a git tip) and the source is the
// same, the answer is the same: a check that finds the state unchanged
// answers from its memo without reading one metalink. Concourse keeps
// $TMPDIR between the checks of a container. The directory's name carries
// the memo's layout version, so that an older layout is simply not read.
const checkMemoDir = "metalink-repository-check-v1"

// checkMemo is the last answer check gave for one source.
type checkMemo struct {
	State    string              `json:"state"`
	Current  *string             `json:"current"`
	Answer   []concourse.Version `json:"answer"`
	Warnings string              `json:"warnings"` // what check said about skipped entries
}

// memoPath is where the memo of source lives: named by a digest of the
// whole source, so that any change of it (filters, version, options) is a
// new memo, and no value of it appears in the name.
func memoPath(source Source) (string, error) {
	data, err := json.Marshal(source)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return filepath.Join(os.TempDir(), checkMemoDir, hex.EncodeToString(sum[:])+".json"), nil
}

// loadMemo is the memo at path; a missing or damaged one is none.
func loadMemo(path string) checkMemo {
	var memo checkMemo
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &memo) != nil || memo.Answer == nil {
		return checkMemo{}
	}
	return memo
}

// answers reports whether the memo is the answer for state and current.
func (m checkMemo) answers(state string, current *string) bool {
	return state != "" && m.State == state && sameVersion(m.Current, current)
}

func sameVersion(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// save replaces the memo at path atomically: checks that run at once leave
// one of their memos, and each is right for its state.
func (m checkMemo) save(path string) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	temp, err := os.CreateTemp(filepath.Dir(path), ".memo-*")
	if err != nil {
		return err
	}
	_, err = temp.Write(data)
	if closeErr := temp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(temp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(temp.Name()) // best effort: the error below is what matters
		return err
	}
	return nil
}

// replay says again what check said when it made the memo.
func (m checkMemo) replay(log io.Writer) {
	_, _ = io.WriteString(log, m.Warnings)
}

// saveMemo keeps memo for the next check; a memo that cannot be saved is a
// warning, not a failed check.
func saveMemo(path string, memo checkMemo, log io.Writer) {
	if err := memo.save(path); err != nil {
		_, _ = fmt.Fprintf(log, "warning: cannot save the check memo: %v\n", err)
	}
}
