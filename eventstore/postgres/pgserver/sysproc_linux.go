package pgserver

import "syscall"

// sysProcAttr puts the child in its own process group, so that a Ctrl-C
// in the terminal reaches only us and we stop PostgreSQL cleanly, and asks
// the kernel to send it SIGINT (a fast shutdown) if we die first.
//
// WARNING: the kernel sends the death signal when the thread that started
// the child exits, not the process (go.dev/issue/27505); startLocked keeps
// that thread alive for as long as the child runs.
func sysProcAttr(a *account) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  syscall.SIGINT,
		Credential: a.credential(),
	}
}
