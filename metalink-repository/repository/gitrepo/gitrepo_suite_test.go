package gitrepo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestGitrepo(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Gitrepo Suite")
}
