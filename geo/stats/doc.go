// Package stats holds Guccho's spatial statistics: plain values and a sparse
// spatial weights matrix in, plain values out. It has location quotients
// (LQ), global and local Moran's I, Getis-Ord G, Gi and Gi*, multiple-testing
// corrections (Benjamini–Hochberg, Bonferroni), and the weights themselves:
// queen and rook contiguity built from boundary polygons (with a tolerance
// for the gaps and overlaps of generalised boundaries), k nearest neighbours
// and distance bands, read and written as GAL and GWT files.
//
// The conventions follow PySAL (esda and libpysal) so that results can be
// checked against it; docs/statistics.md lists them and the tests reproduce
// PySAL's numbers on its own example datasets. Functions take slices in the
// order of the weights' IDs. Randomness comes only from the *rand.Rand the
// caller passes, so a seed reproduces a run exactly. Nothing here keeps
// global state; all functions are safe for concurrent use on distinct
// arguments.
package stats
