//go:build !unix

package importer_test

import "time"

// cpuTime is not measured here: the benchmarks leave out their CPU
// metrics.
func cpuTime() time.Duration { return 0 }
