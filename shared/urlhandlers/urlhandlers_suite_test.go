package urlhandlers_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestUrlhandlers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "urlhandlers")
}
