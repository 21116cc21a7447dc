//go:build unix

package importer_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) this process has used so
// far, so that a benchmark on a shared machine can report the work it did
// beside the wall-clock rate, which other jobs slow down.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
