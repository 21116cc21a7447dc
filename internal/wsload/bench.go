package wsload

import (
	"context"
	"testing"
)

// Bench is the body of a latency benchmark: it commits one event at a time
// through commit (which returns the event's id), waits until every reader
// has it, and reports the p50 and p99 latencies from the events' times to
// arrival as "p50-µs" and "p99-µs". One event is committed before the timer
// starts, to warm up. It fails b if a reader stopped.
func Bench(ctx context.Context, b *testing.B, rs *Readers, commit func(context.Context) (int64, error)) {
	b.Helper()
	step := func() {
		id, err := commit(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := rs.WaitFor(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	step()
	rs.TakeLatencies()
	b.ResetTimer()
	for range b.N {
		step()
	}
	b.StopTimer()
	if stopped := rs.Stopped(); len(stopped) > 0 {
		b.Fatalf("%d clients stopped: %v", len(stopped), stopped[0])
	}
	lat := rs.TakeLatencies()
	b.ReportMetric(float64(Percentile(lat, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(Percentile(lat, 99).Microseconds()), "p99-µs")
}
