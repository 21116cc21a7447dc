#!/usr/bin/python3
"""Make the DBSCAN goldens of cluster/testdata/sklearn with scikit-learn.

Run from this directory with Debian's python3-sklearn:

    /usr/bin/python3 sklearn_dbscan.py

Each case is random points (a fixed numpy seed) around places in
Bangladesh, clustered by sklearn.cluster.DBSCAN with the haversine metric:
coordinates in radians as (lat, lon), eps in metres divided by the same
Earth radius as cluster.EarthRadius. Each case is written as
<name>.csv: id, lon, lat, label (-1 for noise), core (1 or 0), with
coordinates printed exactly (repr) so that Go reads the same doubles.
cases.csv lists name, eps_m, min_samples.
"""
import csv

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN

R = 6371008.8  # metres; cluster.EarthRadius


def blobs(rng, centres, n, sigma_m):
    """n points around each (lon, lat) centre with a normal spread in metres."""
    out = []
    for lon, lat in centres:
        dlat = rng.normal(0, sigma_m, n) / R * 180 / np.pi
        dlon = rng.normal(0, sigma_m, n) / R * 180 / np.pi / np.cos(np.radians(lat))
        out.append(np.column_stack([lon + dlon, lat + dlat]))
    return out


def uniform(rng, lon0, lat0, lon1, lat1, n):
    return [np.column_stack([rng.uniform(lon0, lon1, n), rng.uniform(lat0, lat1, n)])]


def cases():
    rng = np.random.RandomState(20240601)
    # Old Dhaka workshops: three tight groups and a sprinkling, 300 m.
    pts = blobs(rng, [(90.418, 23.710), (90.375, 23.730), (90.40, 23.75)], 300, 250)
    pts += uniform(rng, 90.33, 23.66, 90.47, 23.80, 600)
    yield "dhaka_300m", np.vstack(pts), 300.0, 10
    # The SMEF rule's scale: 5 km and 50 units over the country.
    pts = blobs(rng, [(90.99, 24.05), (89.37, 24.85), (89.10, 23.87), (91.98, 21.45),
                      (88.93, 24.80), (89.60, 22.80)], 250, 2500)
    pts += uniform(rng, 88.0, 20.7, 92.7, 26.6, 3000)
    yield "bangladesh_5km", np.vstack(pts), 5000.0, 50
    # Two groups touching through a seam of border points: the border rule.
    pts = blobs(rng, [(90.00, 24.00), (90.0050, 24.00)], 200, 60)
    pts += uniform(rng, 89.995, 23.995, 90.01, 24.01, 300)
    yield "seam_200m", np.vstack(pts), 200.0, 120
    # Sparse uniform points, many small clusters sharing border points.
    pts = uniform(rng, 91.80, 22.30, 91.90, 22.40, 1500)
    yield "chattogram_300m", np.vstack(pts), 300.0, 5


def main():
    with open("sklearn/cases.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "eps_m", "min_samples", "sklearn"])
        for name, pts, eps_m, min_samples in cases():
            X = np.radians(pts[:, ::-1])  # (lat, lon) in radians
            db = DBSCAN(eps=eps_m / R, min_samples=min_samples, metric="haversine", algorithm="ball_tree").fit(X)
            core = np.zeros(len(pts), dtype=int)
            core[db.core_sample_indices_] = 1
            with open(f"sklearn/{name}.csv", "w", newline="") as g:
                c = csv.writer(g, lineterminator="\n")
                c.writerow(["id", "lon", "lat", "label", "core"])
                for i, ((lon, lat), label, k) in enumerate(zip(pts, db.labels_, core)):
                    c.writerow([f"p{i}", repr(float(lon)), repr(float(lat)), int(label), int(k)])
            w.writerow([name, eps_m, min_samples, sklearn.__version__])
            # Border points that cores of two clusters reach: where the
            # order of expansion decides.
            D = 2 * R * np.arcsin(np.sqrt(np.sin((X[:, None, 0] - X[None, :, 0]) / 2) ** 2 + np.cos(X[:, None, 0]) * np.cos(X[None, :, 0]) * np.sin((X[:, None, 1] - X[None, :, 1]) / 2) ** 2))
            shared = sum(1 for i in range(len(pts)) if not core[i] and len({db.labels_[j] for j in np.nonzero((D[i] <= eps_m) & (core == 1))[0]}) > 1)
            print(name, len(pts), "points,", db.labels_.max() + 1, "clusters,", core.sum(), "core,", shared, "border points reached by two clusters")


if __name__ == "__main__":
    main()
