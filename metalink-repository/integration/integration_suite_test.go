// Package integration runs the real check, in and out binaries of the
// metalink-repository resource against real repositories of every kind.
package integration_test

import (
	"encoding/json"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/patience"
)

func TestIntegration(t *testing.T) {
	RegisterFailHandler(Fail)
	patience.Apply()
	RunSpecs(t, "metalink-repository binaries")
}

// binaries are the paths of the built commands.
type binaries struct {
	Check string `json:"check"`
	In    string `json:"in"`
	Out   string `json:"out"`
}

var (
	bin   binaries
	world *servers
)

var _ = SynchronizedBeforeSuite(func() []byte {
	const pkg = "github.com/metalink-resources/metalink-resources/metalink-repository/cmd/"
	built := binaries{Check: build(pkg + "check"), In: build(pkg + "in"), Out: build(pkg + "out")}
	data, err := json.Marshal(built)
	Expect(err).NotTo(HaveOccurred())
	return data
}, func(data []byte) {
	Expect(json.Unmarshal(data, &bin)).To(Succeed())
	world = startServers()
})

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)

func build(pkg string) string {
	path, err := gexec.Build(pkg)
	Expect(err).NotTo(HaveOccurred())
	return path
}
