// Command tizme is the voter-list service of the Kyrgyz Republic's Central
// Commission for Elections and Referendums: one binary with a subcommand
// per job.
//
//	tizme serve     run the HTTP server
//	tizme migrate   create or upgrade the database schema, then exit
//	tizme asof      the list as it stood at a time, with its digest
//	tizme verify    compare every read model with a replay of the log (-chain: the hash chain)
//	tizme checkpoint publish a checkpoint of the hash chain
//	tizme backup    a consistent, self-checking copy of the data
//	tizme restore   load a backup into an empty database and check it
//	tizme bench     measure throughput and latency (make bench)
//	tizme demo-data a synthetic population, appended and/or as a CSV
//	tizme import    register the voters of a population-register CSV
//	tizme feed      apply the population register's changes (a delta file or an HTTP pull)
//
// Configuration comes from environment variables and flags (flags win),
// parsed once here; nothing below cmd reads the environment. See
// `tizme help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default handling: a second
		// Ctrl-C kills a shutdown that hangs.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "tizme: %v\n", err)
		os.Exit(1)
	}
}

// errUsage means the command line was wrong; the usage has been printed.
var errUsage = errors.New("usage")

// command is one subcommand. It returns when its work is done or ctx is
// cancelled (a signal), having released everything it started.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error
}

// commands lists the subcommands in the order the usage shows them.
var commands = []command{
	{"serve", "run the HTTP server (with a private PostgreSQL unless DATABASE_URL is set)", serve},
	{"migrate", "create or upgrade the database schema, then exit", migrate},
	{"bench", "measure throughput and latency beside naive baselines on a fresh durable database", bench},
	{"rebuild", "rebuild read models from the log while they keep serving: rebuild [flags] [projection…]", rebuild},
	{"verify", "replay the whole log and compare every read model with the database (or those named); -chain checks the hash chain", verify},
	{"checkpoint", "chain the log and publish a checkpoint: chain head, event count, public-list digest", checkpoint},
	{"backup", "write a consistent, self-checking copy of what cannot be rebuilt: backup <dir>", backup},
	{"restore", "load a backup into an empty database, rebuild the read models and check them: restore <dir>", restore},
	{"asof", "print the list as recorded at -at, or as effective on -effective DAY (csv or json), with its digest; -replay reads the raw log instead", asof},
	{"demo-data", "append a synthetic population (-voters, -seed) and/or write its population-register CSV (-csv)", demoData},
	{"import", "register the voters of a population-register CSV; bad rows go to a rejects file: import [-rejects FILE] <file.csv>", importFile},
	{"feed", "apply the population register's changes, idempotently by change ID: feed [-rejects FILE] <delta.jsonl|.csv>, or feed -url URL", feedChanges},
	{"outcomes", "record a past election's outcome per precinct from the CEC's file, or print why it is refused: outcomes -file F -election E", recordOutcomes},
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return errUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return nil
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "tizme: unknown command %q\n\n", name)
		usage(stderr)
		return errUsage
	}

	cfg, err := loadConfig(name, rest, os.Getenv, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil
	case errors.Is(err, errUsage):
		return err
	case err != nil:
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	log := newLogger(cfg, stderr)
	return cmd.run(ctx, cfg, log, stdout)
}

func usage(w io.Writer) {
	fmt.Fprint(w, "tizme: the voter list of the Kyrgyz Republic\n\nUsage:\n  tizme <command> [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "  help      show this help\n\nFlags (each command accepts them; a flag overrides its environment variable):\n")
	defaults := defaultConfig()
	fs := newFlagSet("tizme", &defaults)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// newLogger writes JSON (or text) lines to w, tagged with the service.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler
	if cfg.LogFormat == logFormatText {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(h).With(slog.String("service", "tizme"))
}

// version is the module version the binary was built from, or its VCS
// revision, or "dev".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return s.Value[:12]
		}
	}
	return "dev"
}
