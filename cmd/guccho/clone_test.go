//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho/data"
)

// A clone of the repository with nothing beside it serves a map of
// Bangladesh: make run's command, with no --boundaries and no
// GUCCHO_BOUNDARIES, imports the default set shipped in the binary, and a
// districts tile over Dhaka holds Dhaka district (BD3026).
//
// The "clone" is every file of this checkout that git tracks or does not
// ignore (what a clone has once the work is committed), copied into an empty
// temporary folder, so no ../shared lies beside it. Only the Go binary is
// built there (go build with GOPROXY=off, so from the module cache and the
// copied files alone): the web app needs npm ci, and the tiles do not need
// it. Then "make -o build run" runs the run target's own command.
func TestFreshCloneServesTheDefaultBoundaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary in a copy of the repository")
	}
	for _, tool := range []string{"git", "make", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	clone := filepath.Join(t.TempDir(), "guccho")
	copyCheckout(t, strings.TrimSpace(string(root)), clone)
	if _, err := os.Stat(filepath.Join(clone, "..", "shared")); !os.IsNotExist(err) {
		t.Fatalf("something lies beside the clone: %v", err)
	}

	env := cleanEnv()
	build := exec.Command("go", "build", "-o", "bin/guccho", "./cmd/guccho")
	build.Dir, build.Env = clone, append(env, "GOPROXY=off", "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build in the clone: %v\n%s", err, out)
	}

	addr := freeAddr(t)
	logFile := filepath.Join(t.TempDir(), "serve.log")
	logw, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer logw.Close()
	run := exec.Command("make", "-o", "build", "run", "ADDR="+addr, "DB="+filepath.Join(t.TempDir(), "guccho.db"))
	run.Dir, run.Env, run.Stdout, run.Stderr = clone, env, logw, logw
	run.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // make and the server in one group, stopped together
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	defer func() {
		syscall.Kill(-run.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			syscall.Kill(-run.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()
	serverLog := func() string { b, _ := os.ReadFile(logFile); return string(b) }

	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("make run exited: %v\n%s", err, serverLog())
		case <-ctx.Done():
			t.Fatalf("the server did not answer /healthz in time\n%s", serverLog())
		case <-time.After(200 * time.Millisecond):
		}
	}
	// The geocoder is built at start, not in the first edit or upload.
	for !strings.Contains(serverLog(), "geocoder ready") {
		select {
		case <-ctx.Done():
			t.Fatalf("the server did not build its geocoder at start\n%s", serverLog())
		case <-time.After(200 * time.Millisecond):
		}
	}
	if log := serverLog(); !strings.Contains(log, data.BoundariesName) {
		t.Errorf("the log does not name the %s:\n%s", data.BoundariesName, log)
	}

	tile := maptile.At(orb.Point{90.41, 23.81}, 8) // central Dhaka
	resp, err := http.Get(fmt.Sprintf("%s/tiles/districts/%d/%d/%d.mvt", base, tile.Z, tile.X, tile.Y))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("districts tile %v: status %d, %v\n%s", tile, resp.StatusCode, err, serverLog())
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("decoding the districts tile: %v", err)
	}
	var found []string
	for _, l := range layers {
		for _, f := range l.Features {
			if code, _ := f.Properties["pcode"].(string); code != "" {
				found = append(found, l.Name+":"+code)
			}
		}
	}
	if !slices.Contains(found, "districts:BD3026") {
		t.Errorf("districts tile %v holds %v; want districts:BD3026 (Dhaka)", tile, found)
	}
}

// copyCheckout copies every file under root that git tracks or does not
// ignore to dst, keeping modes.
func copyCheckout(t *testing.T, root, dst string) {
	t.Helper()
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	out, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range bytes.Split(bytes.TrimRight(out, "\x00"), []byte{0}) {
		src := filepath.Join(root, string(name))
		st, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if !st.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, string(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// cleanEnv is this process's environment without any GUCCHO_ variable, so
// nothing names a boundary set or a database to the clone.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GUCCHO_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
