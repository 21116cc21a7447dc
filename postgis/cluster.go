package postgis

import (
	"context"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/cluster"
	"github.com/guccho/guccho/geo"
)

// ClusterSRID is the metric CRS ClusterDBSCAN measures distances in:
// WGS 84 / UTM zone 46N, whose central meridian (93° E) runs along
// Bangladesh's eastern edge.
const ClusterSRID = 32646

// clusterDBSCANSQL projects the points to UTM 46N and runs ST_ClusterDBSCAN
// over them, keeping the input order by the ordinality.
const clusterDBSCANSQL = `SELECT coalesce(ST_ClusterDBSCAN(
		ST_Transform(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), 32646), eps => $3, minpoints => $4) OVER (), -1)
FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i) ORDER BY p.i`

// ClusterDBSCAN clusters points by density in the database with PostGIS's
// ST_ClusterDBSCAN and returns each point's cluster, or cluster.Noise.
// Clusters are numbered 0, 1, … in the order of their lowest-index point.
//
// ST_ClusterDBSCAN measures planar distance only, so the points are
// projected to UTM zone 46N (ClusterSRID) on the WGS 84 ellipsoid. Against
// cluster.DBSCAN's great circle (a sphere of cluster.EarthRadius) distances
// over Bangladesh differ by −0.47 % to +0.45 % (TestClusterSRIDDistortion):
// the UTM scale factor runs from 0.9996 on 93° E to about 1.003 at 88° E,
// and the ellipsoid is about 0.4 % shorter than the sphere north–south at
// these latitudes and 0.2 % longer east–west. Pairs whose distance lies that close to eps may
// be neighbours in one and not the other; all others agree.
//
// Core points and noise are determined alike, so the clusters' cores agree
// with cluster.DBSCAN's; a border point within eps of cores of several
// clusters goes to whichever cluster PostGIS reaches it from, not always
// the lowest-numbered. Guccho's API does not use this: it runs
// cluster.DBSCAN on every store, so stores agree by construction. It is
// here to compare with the database's own clustering (tests, benchmarks).
func (s *Store) ClusterDBSCAN(ctx context.Context, points []cluster.Point, eps float64, minPts int) ([]int, error) {
	if !(eps > 0) {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter eps: %g; want metres > 0", eps)
	}
	if minPts < 1 {
		return nil, guccho.Errorf(guccho.EINVALID, "parameter minPts: %d; want at least 1", minPts)
	}
	lon, lat := make([]float64, len(points)), make([]float64, len(points))
	for i, p := range points {
		if err := geo.CheckLonLat(orb.Point{p.Lon, p.Lat}); err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "point %d (%s): %s", i, p.ID, guccho.ErrorMessage(err))
		}
		lon[i], lat[i] = p.Lon, p.Lat
	}
	rows, err := s.pool.Query(ctx, clusterDBSCANSQL, lon, lat, eps, minPts)
	if err != nil {
		return nil, dbErr(err, "clustering points")
	}
	defer rows.Close()
	labels := make([]int, 0, len(points))
	renumber := map[int]int{}
	for rows.Next() {
		var l int
		if err := rows.Scan(&l); err != nil {
			return nil, dbErr(err, "clustering points")
		}
		if l >= 0 {
			n, ok := renumber[l]
			if !ok {
				n = len(renumber)
				renumber[l] = n
			}
			l = n
		}
		labels = append(labels, l)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "clustering points")
	}
	return labels, nil
}
