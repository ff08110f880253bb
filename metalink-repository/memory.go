package metalinkrepository

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit keeps the heap of a large listing (20,000 parsed metalinks
// plus go-git's pack index) from doubling before the garbage collector runs.
// It is soft: a larger working set still gets the memory it needs.
const softMemoryLimit = 48 << 20

// limitMemory sets the soft memory limit unless GOMEMLIMIT already sets one.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}
