//go:build unix && !linux

package pgserver

import "syscall"

// sysProcAttr puts the child in its own process group, so that a Ctrl-C
// in the terminal reaches only us and we stop PostgreSQL cleanly. Only
// Linux can have the child killed when we die: elsewhere a crash leaves
// PostgreSQL running, and the next Start reports it (ErrDataDirInUse).
func sysProcAttr(a *account) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Setpgid:    true,
		Credential: a.credential(),
	}
}
