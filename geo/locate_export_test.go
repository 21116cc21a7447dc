package geo

// LocatorMemSize exposes the index's size to the external benchmarks.
func LocatorMemSize(l *Locator) int { return l.memSize() }

// LocatorStats exposes the grid's layout to the external tests.
func LocatorStats(l *Locator) (size float64, cells, empty, full, border int) {
	for c := 0; c < l.nx*l.ny; c++ {
		cs := l.cands[l.cellOff[c]:l.cellOff[c+1]]
		switch {
		case len(cs) == 0:
			empty++
		case len(cs) == 1 && cs[0].full:
			full++
		default:
			border++
		}
	}
	return l.size, l.nx * l.ny, empty, full, border
}
