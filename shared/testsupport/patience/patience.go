// Package patience gives Gomega's Eventually a default wait that holds on a
// busy machine. Gomega's own default, one second, is close to what a
// process start, a signal or a server's answer takes on two cores running
// other suites under the race detector: a spec that waits for an event
// would then fail by the clock. A passing Eventually returns as soon as the
// event happens, so the long default costs nothing.
package patience

import (
	"time"

	"github.com/onsi/gomega"
)

// Eventually is the default wait of Eventually in the suites that call Apply.
const Eventually = 30 * time.Second

// Apply sets the default; a suite calls it before RunSpecs.
func Apply() {
	gomega.SetDefaultEventuallyTimeout(Eventually)
}
