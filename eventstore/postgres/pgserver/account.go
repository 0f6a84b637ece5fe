package pgserver

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

const (
	// serviceUser is who runs PostgreSQL when tizme runs as root, because
	// initdb and postgres refuse to run as root.
	serviceUser = "postgres"
	// fallbackRoot holds data folders that serviceUser could not reach where
	// they were asked for (see resolveDataDir).
	fallbackRoot = "/var/lib/tizme"
)

// account is the unprivileged user PostgreSQL runs as. A nil *account means
// "as this process's own user".
type account struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
}

// runAccount returns nil when not root, else the serviceUser account.
func runAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(serviceUser)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return nil, fmt.Errorf("%w: PostgreSQL refuses to run as root, so it runs as the user %q, which does not exist; "+
				"installing the postgresql package creates it, or run: useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh %s",
				ErrNoPostgresUser, serviceUser, serviceUser)
		}
		return nil, fmt.Errorf("pgserver: look up user %q: %w", serviceUser, err)
	}
	a := &account{name: u.Username}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgserver: user %q has uid %q: %w", serviceUser, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgserver: user %q has gid %q: %w", serviceUser, u.Gid, err)
	}
	a.uid, a.gid = uint32(uid), uint32(gid)
	if a.uid == 0 {
		return nil, fmt.Errorf("%w: user %q has uid 0, and PostgreSQL refuses to run as root", ErrNoPostgresUser, serviceUser)
	}
	ids, _ := u.GroupIds() // no supplementary groups is fine
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil {
			a.groups = append(a.groups, uint32(g))
		}
	}
	return a, nil
}

// credential is what the child runs with; nil runs it as ourselves.
func (a *account) credential() *syscall.Credential {
	if a == nil {
		return nil
	}
	return &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: a.groups}
}

// chown gives path to the account; a no-op when running as ourselves.
func (a *account) chown(path string) error {
	if a == nil {
		return nil
	}
	if err := os.Lchown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	return nil
}

// chownTree gives a whole folder to the account.
func (a *account) chownTree(root string) error {
	if a == nil {
		return nil
	}
	return filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return a.chown(path)
	})
}

// canSearch reports whether the account may pass through the folder fi,
// judged by its mode bits (ACLs are not looked at).
func (a *account) canSearch(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	perm := fi.Mode().Perm()
	switch {
	case st.Uid == a.uid:
		return perm&0o100 != 0
	case st.Gid == a.gid || containsGroup(a.groups, st.Gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

func containsGroup(groups []uint32, gid uint32) bool {
	for _, g := range groups {
		if g == gid {
			return true
		}
	}
	return false
}

// resolveDataDir returns the absolute folder the cluster really lives in.
// That is dataDir, unless PostgreSQL runs as another user who can't pass
// through one of its parent folders (a repository under /root, mode 0700,
// say): then it is a folder under /var/lib/tizme named by a hash of
// dataDir, so the same dataDir always finds the same cluster again.
func resolveDataDir(dataDir string, a *account, log *slog.Logger) (string, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("pgserver: data folder %q: %w", dataDir, err)
	}
	if a == nil {
		return abs, nil
	}
	closed, err := closedParent(abs, a)
	if err != nil {
		return "", err
	}
	if closed == "" {
		return abs, nil
	}
	sum := sha256.Sum256([]byte(abs))
	real := filepath.Join(fallbackRoot, hex.EncodeToString(sum[:])[:12])
	log.Warn("pgserver: the "+a.name+" user cannot reach the data folder, so the cluster is kept elsewhere",
		"data_dir", abs, "closed_folder", closed, "real_data_dir", real)
	return real, nil
}

// closedParent returns the first existing folder above dir (or dir's
// deepest existing ancestor, when dir does not exist yet) that the account
// may not pass through, or "" when there is none. Missing folders don't
// count: mkdirParents creates them open to all.
func closedParent(dir string, a *account) (string, error) {
	// Resolve symlinks on the part that exists: what matters is the path
	// the kernel walks.
	existing := dir
	for {
		if _, err := os.Stat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return "", nil
		}
		existing = parent
	}
	real, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return "", fmt.Errorf("pgserver: data folder %q: %w", dir, err)
	}
	// dir itself is chowned to the account, so only its parents matter.
	start := real
	if existing == dir {
		start = filepath.Dir(real)
	}
	var chain []string
	for p := start; ; p = filepath.Dir(p) {
		chain = append(chain, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		fi, err := os.Stat(chain[i])
		if err != nil {
			return "", fmt.Errorf("pgserver: data folder %q: %w", dir, err)
		}
		if !a.canSearch(fi) {
			return chain[i], nil
		}
	}
	return "", nil
}
