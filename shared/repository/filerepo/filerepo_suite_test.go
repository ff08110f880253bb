package filerepo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFilerepo(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "filerepo")
}
