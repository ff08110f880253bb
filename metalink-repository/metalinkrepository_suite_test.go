package metalinkrepository_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestMetalinkRepository(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "metalink-repository commands")
}
