// Package scalebench measures serving and analysing at national scale: its
// benchmark (BenchmarkScale, in the test files) fills a store with N demo
// enterprises through the real `guccho import`, and a baseline store with
// N/10, serves each with the real `guccho serve` as a child process on a
// loopback port, and times through HTTP what users ask of it — enterprise
// tiles cold and cached from z5 to z14, /api/enterprises filters and pages,
// stats, profiles, the SMEF rule and DBSCAN — and reads the server's
// resident memory from /proc. Every figure is reported at N beside the
// baseline and as their ratio, so work that grows with the country's size
// shows. docs/scale.md tells how to run it at 12 million.
package scalebench
