package pgserver

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// installHint tells a person what to install when no server binaries are found.
const installHint = `install the PostgreSQL server:
  Debian/Ubuntu: apt-get install postgresql   (as root or with sudo)
  Fedora/RHEL:   dnf install postgresql-server
  Alpine:        apk add postgresql
  macOS:         brew install postgresql
or put the bin folder of an existing installation (the one holding postgres and initdb) on PATH`

// binaries are the postgres and initdb programs of one installation.
type binaries struct {
	dir      string
	postgres string
	initdb   string
	version  string // "15.20"
	major    string // "15"; "9.6" before PostgreSQL 10, as in PG_VERSION
}

// findBinaries picks the folder holding both postgres and initdb: binDir if
// given, otherwise the first of $PATH, pg_config --bindir and the versioned
// folders of Debian and RHEL packages (highest version first).
//
// WARNING: both programs must come from the same folder. Debian keeps
// initdb off $PATH, and /usr/bin/pg_config may belong to a libpq-dev of
// another major version than the server, so a postgres found in one place
// and an initdb found in another could make a cluster the server can't read.
func findBinaries(ctx context.Context, binDir string) (binaries, error) {
	var candidates []string
	if binDir != "" {
		candidates = []string{binDir}
	} else {
		candidates = searchDirs(ctx)
	}
	for _, dir := range candidates {
		postgres, initdb := filepath.Join(dir, "postgres"), filepath.Join(dir, "initdb")
		if !isExecutable(postgres) || !isExecutable(initdb) {
			continue
		}
		b := binaries{dir: dir, postgres: postgres, initdb: initdb}
		if err := b.readVersion(ctx); err != nil {
			return binaries{}, err
		}
		return b, nil
	}
	if binDir != "" {
		return binaries{}, fmt.Errorf("%w: no postgres and initdb in %s; %s", ErrNoBinaries, binDir, installHint)
	}
	return binaries{}, fmt.Errorf("%w: looked in $PATH, `pg_config --bindir`, /usr/lib/postgresql/*/bin and /usr/pgsql-*/bin; %s", ErrNoBinaries, installHint)
}

// searchDirs lists the folders that may hold the server binaries, in order
// of preference, without repeats.
func searchDirs(ctx context.Context) []string {
	var dirs []string
	add := func(dir string) {
		if dir != "" && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
	}
	for _, name := range []string{"postgres", "initdb"} {
		if p, err := exec.LookPath(name); err == nil {
			add(realDir(p))
		}
	}
	if p, err := exec.LookPath("pg_config"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		out, err := exec.CommandContext(ctx, p, "--bindir").Output()
		cancel()
		if err == nil {
			if dir := strings.TrimSpace(string(out)); dir != "" {
				add(filepath.Clean(dir))
			}
		}
	}
	for _, pattern := range []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin"} {
		for _, dir := range globByVersion(pattern) {
			add(dir)
		}
	}
	return dirs
}

// realDir is the folder of the file a (possibly symlinked) program path
// points to, so that /usr/local/bin/postgres -> /usr/lib/postgresql/15/bin
// is looked at where its initdb lives.
func realDir(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return filepath.Dir(path)
}

// globByVersion returns the matches of a pattern with one version-number
// wildcard, highest version first (so 16 comes before 9.6).
func globByVersion(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	prefix := pattern[:strings.Index(pattern, "*")]
	version := func(dir string) []int {
		rest := strings.TrimPrefix(dir, prefix)
		rest, _, _ = strings.Cut(rest, "/")
		var v []int
		for _, part := range strings.Split(rest, ".") {
			n, _ := strconv.Atoi(part)
			v = append(v, n)
		}
		return v
	}
	slices.SortFunc(matches, func(a, b string) int { return slices.Compare(version(b), version(a)) })
	return matches
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// readVersion asks both programs for their version and refuses a pair that
// disagree (a broken or half-upgraded installation).
func (b *binaries) readVersion(ctx context.Context) error {
	pv, err := programVersion(ctx, b.postgres)
	if err != nil {
		return err
	}
	iv, err := programVersion(ctx, b.initdb)
	if err != nil {
		return err
	}
	if pv != iv {
		return fmt.Errorf("pgserver: %s is version %s but %s is version %s; reinstall PostgreSQL", b.postgres, pv, b.initdb, iv)
	}
	b.version = pv
	b.major = majorVersion(pv)
	return nil
}

// programVersion runs "prog --version", which prints e.g.
// "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", and returns "15.20".
func programVersion(ctx context.Context, prog string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, "--version")
	cmd.Env = childEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("pgserver: %s --version: %w: %s", prog, err, bytes.TrimSpace(out))
	}
	_, rest, ok := strings.Cut(string(out), "(PostgreSQL)")
	fields := strings.Fields(rest)
	if !ok || len(fields) == 0 {
		return "", fmt.Errorf("pgserver: %s --version printed %q, not a PostgreSQL version", prog, bytes.TrimSpace(out))
	}
	return fields[0], nil
}

// majorVersion turns "15.20" into "15", "9.6.24" into "9.6" and "17beta1"
// into "17": the form initdb writes to PG_VERSION.
func majorVersion(v string) string {
	parts := strings.Split(v, ".")
	if n, err := strconv.Atoi(parts[0]); err == nil && n < 10 && len(parts) > 1 {
		return parts[0] + "." + parts[1]
	}
	if i := strings.IndexFunc(parts[0], func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		return parts[0][:i]
	}
	return parts[0]
}
