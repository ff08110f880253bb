// Package integration_test drives the real check, in and out binaries the way
// Concourse does: a JSON request on stdin, the destination as argv[1], the
// JSON answer on stdout and logs on stderr.
package integration_test

import (
	"encoding/json"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	// The binaries are built at run time, out of go test's sight; importing
	// the package behind them makes a change to it invalidate cached results.
	_ "github.com/metalink-resources/metalink-resources/dynamic-metalink"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/patience"
)

func TestIntegration(t *testing.T) {
	RegisterFailHandler(Fail)
	patience.Apply()
	RunSpecs(t, "Dynamic Metalink Integration Suite")
}

const commandPackage = "github.com/metalink-resources/metalink-resources/dynamic-metalink/cmd/"

// binaries are the built commands, shared by every parallel process.
type binaries struct {
	Check string `json:"check"`
	In    string `json:"in"`
	Out   string `json:"out"`
}

var bin binaries

var _ = SynchronizedBeforeSuite(func() []byte {
	built := binaries{Check: build("check"), In: build("in"), Out: build("out")}
	data, err := json.Marshal(built)
	Expect(err).NotTo(HaveOccurred())
	return data
}, func(data []byte) {
	Expect(json.Unmarshal(data, &bin)).To(Succeed())
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	gexec.CleanupBuildArtifacts()
})

func build(command string) string {
	GinkgoHelper()
	path, err := gexec.Build(commandPackage + command)
	Expect(err).NotTo(HaveOccurred())
	return path
}
