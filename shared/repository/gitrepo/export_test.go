package gitrepo

import (
	"time"

	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// SetBackoff replaces the wait before each push retry of a repository that
// Open returned, so that tests need not sleep or can act in between.
func SetBackoff(r repository.Repository, backoff func(attempt int) time.Duration) {
	r.(*repo).backoff = backoff
}
