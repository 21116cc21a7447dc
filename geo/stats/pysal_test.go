package stats

import (
	"slices"
	"testing"
)

// The statistics reproduce PySAL (esda conventions, computed by
// testdata/make_goldens.py) on its own example datasets to 1e-7.
func TestAgreesWithPySAL(t *testing.T) {
	for name, d := range goldens(t) {
		t.Run(name, func(t *testing.T) {
			w, y := d.load(t)
			if !slices.Equal(w.IDs, d.IDs) {
				t.Fatalf("GAL order = %v…, want %v…", w.IDs[:3], d.IDs[:3])
			}
			s0, s1, s2 := w.Transformed(Row).Sums()
			checkClose(t, "S0", s0, d.SumsR.S0)
			checkClose(t, "S1", s1, d.SumsR.S1)
			checkClose(t, "S2", s2, d.SumsR.S2)

			for _, c := range []struct {
				tr   Transform
				want moranGolden
			}{{Row, d.MoranR}, {Binary, d.MoranB}} {
				m, err := Moran(y, w, Options{Transform: c.tr})
				if err != nil {
					t.Fatal(err)
				}
				p := "Moran(" + string(c.tr) + ")."
				checkClose(t, p+"I", m.Stat, c.want.I)
				checkClose(t, p+"EI", m.Expected, c.want.EI)
				checkClose(t, p+"VI_norm", m.VarNorm, c.want.VINorm)
				checkClose(t, p+"VI_rand", m.VarRand, c.want.VIRand)
				checkClose(t, p+"z_norm", m.ZNorm, c.want.ZNorm)
				checkClose(t, p+"z_rand", m.ZRand, c.want.ZRand)
				checkClose(t, p+"p_norm", m.PNorm, c.want.PNorm)
				checkClose(t, p+"p_rand", m.PRand, c.want.PRand)
			}

			lm, err := LocalMoran(y, w, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkAllClose(t, "local Moran Is", lm.Stat, d.LocalMoranR.Is)
			checkAllClose(t, "local Moran EI", lm.Expected, d.LocalMoranR.EI)
			checkAllClose(t, "local Moran VI", lm.Var, d.LocalMoranR.VI)
			checkAllClose(t, "local Moran z", lm.Z, d.LocalMoranR.Z)
			for i, q := range lm.Quadrant {
				if int(q) != d.LocalMoranR.Q[i] {
					t.Errorf("quadrant of %s = %d, want %d", w.IDs[i], q, d.LocalMoranR.Q[i])
				}
			}

			g, err := G(y, w, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, "G", g.Stat, d.G.G)
			checkClose(t, "EG", g.Expected, d.G.EG)
			checkClose(t, "VG", g.VarNorm, d.G.VG)
			checkClose(t, "G z", g.ZNorm, d.G.Z)
			checkClose(t, "G p", g.PNorm, d.G.P)

			for _, c := range []struct {
				name string
				star bool
				tr   Transform
				want localGGolden
			}{
				{"Gi(r)", false, Row, d.GiR}, {"Gi(b)", false, Binary, d.GiB},
				{"Gi*(r)", true, Row, d.GiStarR}, {"Gi*(b)", true, Binary, d.GiStarB},
			} {
				lg, err := LocalG(y, w, c.star, Options{Transform: c.tr})
				if err != nil {
					t.Fatal(err)
				}
				checkAllClose(t, c.name+" G", lg.Stat, c.want.Gs)
				checkAllClose(t, c.name+" E", lg.Expected, c.want.EGs)
				checkAllClose(t, c.name+" V", lg.Var, c.want.VGs)
				checkAllClose(t, c.name+" z", lg.Z, c.want.Zs)
			}
		})
	}
}

// Published values, independent of the golden script: Anselin's Columbus
// CRIME with queen contiguity, row-standardised (PySAL's esda.Moran
// docstring and GeoDa): I = 0.500188, E[I] = −1/48.
func TestMoranColumbusPublished(t *testing.T) {
	w, y := goldens(t)["columbus_crime"].load(t)
	m, err := Moran(y, w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Stat, 0.500188; got < want-1e-6 || got > want+1e-6 {
		t.Errorf("I = %.7f, want %.6f ± 1e-6", got, want)
	}
	if got, want := m.Expected, -1.0/48; got != want {
		t.Errorf("E[I] = %v, want %v", got, want)
	}
}
