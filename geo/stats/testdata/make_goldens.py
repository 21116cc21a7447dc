#!/usr/bin/env python3
"""Writes the golden files the Go tests of package stats compare against.

Run from geo/stats with the system Python of Debian, which has the packages
python3-libpysal (4.7), python3-numpy and python3-scipy:

    python3 testdata/make_goldens.py ../../../shared/data

esda (PySAL's statistics) is not packaged in Debian, so the statistics are
computed here with numpy on dense matrices, straight from the published
formulas and esda's documented conventions (see docs/statistics.md);
libpysal supplies the weights (GAL reading, S0/S1/S2, transforms) and the
contiguity weights of the boundary fixture.
"""
import json
import sys

import numpy as np
from scipy import stats as sps
import libpysal

DATA = sys.argv[1] if len(sys.argv) > 1 else "../../../shared/data"

SETS = [
    # name, GAL, DBF, variable
    ("columbus_crime", "pysal/columbus/columbus.gal", "pysal/columbus/columbus.dbf", "CRIME"),
    ("columbus_hoval", "pysal/columbus/columbus.gal", "pysal/columbus/columbus.dbf", "HOVAL"),
    ("stl_hr8893", "pysal/stl/stl.gal", "pysal/stl/stl_hom.dbf", "HR8893"),
    ("stl_rook_hr8893", "pysal/stl/stl_hom_rook.gal", "pysal/stl/stl_hom.dbf", "HR8893"),
    ("sids2_sidr79", "pysal/sids2/sids2.gal", "pysal/sids2/sids2.dbf", "SIDR79"),
]


def dense(w, transform):
    w.transform = transform
    full, ids = w.full()
    assert list(ids) == list(w.id_order)
    return full


def sums(W):
    s0 = W.sum()
    s1 = 0.5 * ((W + W.T) ** 2).sum()
    s2 = ((W.sum(1) + W.sum(0)) ** 2).sum()
    return s0, s1, s2


def moran(y, W):
    n = len(y)
    z = y - y.mean()
    s0, s1, s2 = sums(W)
    I = n / s0 * (z @ W @ z) / (z @ z)
    EI = -1.0 / (n - 1)
    VIn = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0) - EI * EI
    k = (np.sum(z ** 4) / n) / (np.sum(z ** 2) / n) ** 2
    A = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
    B = k * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    VIr = (A - B) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - EI * EI
    zn = (I - EI) / np.sqrt(VIn)
    zr = (I - EI) / np.sqrt(VIr)
    return dict(I=I, EI=EI, VI_norm=VIn, VI_rand=VIr, z_norm=zn, z_rand=zr,
                p_norm=2 * sps.norm.sf(abs(zn)), p_rand=2 * sps.norm.sf(abs(zr)))


def local_moran(y, W):
    n = len(y)
    z = (y - y.mean()) / y.std()
    lag = W @ z
    Is = (n - 1) * z * lag / (z @ z)
    q = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    m2 = (z @ z) / n
    b2 = (np.sum(z ** 4) / n) / m2 ** 2
    wi = W.sum(1)
    wi2 = (W * W).sum(1)
    EI = -wi / (n - 1)
    VI = wi2 * (n - b2) / (n - 1) + (wi ** 2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2)) - EI ** 2
    return dict(Is=Is.tolist(), q=q.tolist(), EI=EI.tolist(), VI=VI.tolist(),
                z=((Is - EI) / np.sqrt(VI)).tolist())


def global_g(y, B):
    n = len(y)
    s0, s1, s2 = sums(B)
    G = (y @ B @ y) / (y.sum() ** 2 - (y * y).sum())
    EG = s0 / (n * (n - 1))
    s02 = s0 * s0
    b0 = (n * n - 3 * n + 3) * s1 - n * s2 + 3 * s02
    b1 = -((n * n - n) * s1 - 2 * n * s2 + 6 * s02)
    b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s02)
    b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s02
    b4 = s1 - s2 + s02
    m1, m2, m3, m4 = (np.sum(y ** k) for k in (1, 2, 3, 4))
    EG2 = (b0 * m2 ** 2 + b1 * m4 + b2 * m1 ** 2 * m2 + b3 * m1 * m3 + b4 * m1 ** 4) / (
        (m1 ** 2 - m2) ** 2 * n * (n - 1) * (n - 2) * (n - 3))
    VG = EG2 - EG ** 2
    z = (G - EG) / np.sqrt(VG)
    return dict(G=G, EG=EG, VG=VG, z=z, p=sps.norm.sf(abs(z)))


def local_g(y, binary, transform, star):
    """esda.G_Local: Gi* puts 1 (binary) or the row maximum on the diagonal
    before the transform."""
    Wb = binary.copy()
    if star:
        np.fill_diagonal(Wb, Wb.max(1))
    if transform == "R":
        rs = Wb.sum(1)
        W = np.divide(Wb, rs[:, None], out=np.zeros_like(Wb), where=rs[:, None] > 0)
    else:
        W = (Wb > 0).astype(float)
    n = len(y)
    rm = 0 if star else 1
    N = n - rm
    G = (W @ y) / (y.sum() - y * rm)
    mean = (y.sum() - y * rm) / N
    var = ((y ** 2).sum() - y ** 2 * rm) / N - mean ** 2
    card = W.sum(1)
    EG = card / N
    VG = card * (N - card) / (N - 1) / N ** 2 * var / mean ** 2
    return dict(Gs=G.tolist(), EGs=EG.tolist(), VGs=VG.tolist(), Zs=((G - EG) / np.sqrt(VG)).tolist())


def main():
    out = {}
    for name, gal, dbf, var in SETS:
        w = libpysal.io.open(f"{DATA}/{gal}").read()
        f = libpysal.io.open(f"{DATA}/{dbf}")
        y = np.array(f.by_col(var), dtype=float)
        Wb = dense(w, "B")
        Wr = dense(w, "R")
        s0, s1, s2 = sums(Wr)
        out[name] = dict(
            gal=gal, dbf=dbf, var=var, ids=[str(i) for i in w.id_order],
            sums_r=dict(s0=s0, s1=s1, s2=s2, libpysal=[w.s0, w.s1, w.s2]),
            moran_r=moran(y, Wr), moran_b=moran(y, Wb),
            local_moran_r=local_moran(y, Wr),
            g=global_g(y, Wb),
            gi_r=local_g(y, Wb, "R", False), gi_b=local_g(y, Wb, "B", False),
            gistar_r=local_g(y, Wb, "R", True), gistar_b=local_g(y, Wb, "B", True),
        )
        assert np.allclose(out[name]["sums_r"]["libpysal"], [s0, s1, s2])
    with open("testdata/pysal_golden.json", "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)

    # Contiguity of the upazilas (exact vertex/edge sharing, as libpysal).
    gj = json.load(open(f"{DATA}/bd/boundaries/bd_adm3_upazilas.geojson"))
    feats = sorted(gj["features"], key=lambda ft: ft["properties"]["adm3_pcode"])
    ids = [ft["properties"]["adm3_pcode"] for ft in feats]
    shapes = [libpysal.cg.asShape(ft["geometry"]) for ft in feats]
    for kind, cls in (("queen", libpysal.weights.Queen), ("rook", libpysal.weights.Rook)):
        w = cls.from_iterable(shapes, ids=ids)
        with open(f"testdata/upazilas_{kind}_libpysal.gal", "w") as fh:
            fh.write(f"{w.n}\n")
            for i in ids:
                nb = sorted(w.neighbors[i])
                fh.write(f"{i} {len(nb)}\n{' '.join(nb)}\n")


if __name__ == "__main__":
    main()
