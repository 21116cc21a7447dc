package cluster

// naiveDBSCAN is DBSCAN by all pairs: O(n²) distances, the definition of
// DBSCAN's doc comment written out without an index. Tests check the grid
// against it and benchmarks measure the grid's speed-up over it.
func naiveDBSCAN(points []Point, eps float64, minPts int) ([]int, []bool) {
	n := len(points)
	within := func(i, j int) bool {
		return Distance(points[i].Lon, points[i].Lat, points[j].Lon, points[j].Lat) <= eps
	}
	core := make([]bool, n)
	for i := range n {
		count := 0
		for j := range n {
			if within(i, j) {
				count++
			}
		}
		core[i] = count >= minPts
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = Noise
	}
	next := 0
	for i := range n {
		if !core[i] || labels[i] != Noise {
			continue
		}
		// Expand the cluster of core point i over cores, breadth first.
		labels[i] = next
		queue := []int{i}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for q := range n {
				if core[q] && labels[q] == Noise && within(p, q) {
					labels[q] = next
					queue = append(queue, q)
				}
			}
		}
		next++
	}
	for i := range n {
		if core[i] {
			continue
		}
		for j := range n {
			if core[j] && within(i, j) && (labels[i] == Noise || labels[j] < labels[i]) {
				labels[i] = labels[j]
			}
		}
	}
	return labels, core
}
