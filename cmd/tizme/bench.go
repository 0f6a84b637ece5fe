package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/chainbench"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/projbench"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/servicebench"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/storebench"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgserver"
)

// benchReport is what `tizme bench` writes as JSON.
type benchReport struct {
	Started  time.Time        `json:"started"`
	Size     string           `json:"size"`
	Machine  benchMachine     `json:"machine"`
	Database string           `json:"database"`
	Results  []harness.Result `json:"results"`
}

type benchMachine struct {
	CPUs int    `json:"cpus"`
	OS   string `json:"os"`
	Arch string `json:"arch"`
	Go   string `json:"go"`
}

// bench measures on a fresh, durable database: a private PostgreSQL in a
// temporary folder, or a new database on DATABASE_URL's server, dropped
// afterwards. Nothing of the service's own data is touched.
func bench(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) (err error) {
	storeSize, projSize := storebench.Quick, projbench.Quick
	if cfg.BenchSize == benchFull {
		storeSize, projSize = storebench.Full, projbench.Full
	}
	server, err := openBenchServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, server.close()) }()
	report := benchReport{
		Started: time.Now().UTC(), Size: cfg.BenchSize, Database: server.where,
		Machine: benchMachine{CPUs: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version()},
	}
	// Each part gets a database of its own, so one's data does not slow
	// the other's scans.
	stamp := time.Now().UnixNano()
	want := benchParts(cfg.BenchParts)
	// part runs one part on a database of its own and closes its pool
	// when it ends: the pools of the parts before the service part held
	// some 200 connections, and the service's 64 clients found the
	// server full ("too many clients").
	part := func(name, what string, run func(*pgxpool.Pool) ([]harness.Result, error)) error {
		pool, err := benchPool(ctx, server, fmt.Sprintf("tizme_bench_%s_%d", name, stamp))
		if err != nil {
			return err
		}
		defer pool.Close()
		results, err := run(pool)
		report.Results = append(report.Results, results...)
		if err != nil {
			return errors.Join(fmt.Errorf("bench %s: %w", what, err), writeBench(stdout, cfg, report))
		}
		return nil
	}
	if want[benchPartStore] {
		if err := part("store", "the event store", func(pool *pgxpool.Pool) ([]harness.Result, error) {
			return storebench.Run(ctx, pool, storeSize, stdout)
		}); err != nil {
			return err
		}
	}
	if want[benchPartProjections] {
		if err := part("projections", "the projections", func(pool *pgxpool.Pool) ([]harness.Result, error) {
			return projbench.Run(ctx, pool, projSize, stdout)
		}); err != nil {
			return err
		}
	}
	if want[benchPartChain] {
		chainSize := chainbench.Quick
		if cfg.BenchSize == benchFull {
			chainSize = chainbench.Full
		}
		if err := part("chain", "the hash chain", func(pool *pgxpool.Pool) ([]harness.Result, error) {
			return chainbench.Run(ctx, pool, chainSize, stdout)
		}); err != nil {
			return err
		}
	}
	if want[benchPartService] {
		results, err := benchService(ctx, server, serviceBenchSize(cfg), stamp, log, stdout)
		report.Results = append(report.Results, results...)
		if err != nil {
			return errors.Join(fmt.Errorf("bench the service: %w", err), writeBench(stdout, cfg, report))
		}
	}
	return writeBench(stdout, cfg, report)
}

// writeBench prints the report's table and writes its JSON. A run that
// failed part-way writes what it measured before the failure too.
func writeBench(stdout io.Writer, cfg Config, report benchReport) error {
	printBench(stdout, report)
	if err := os.MkdirAll(filepath.Dir(cfg.BenchOut), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(cfg.BenchOut, append(data, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nresults written to %s\n", cfg.BenchOut)
	return nil
}

// benchParts is the set of parts to run; all when list is empty.
func benchParts(list string) map[string]bool {
	parts := map[string]bool{}
	for _, p := range strings.Split(list, ",") {
		if p != "" {
			parts[p] = true
		}
	}
	if len(parts) == 0 {
		for _, p := range []string{benchPartStore, benchPartProjections, benchPartService, benchPartChain} {
			parts[p] = true
		}
	}
	return parts
}

// benchServerCommand runs `tizme serve` for the service benchmark: this
// very binary (tests replace it with their own binary, which runs main).
var benchServerCommand = func() (servicebench.ServerCommand, error) {
	exe, err := os.Executable()
	if err != nil {
		return servicebench.ServerCommand{}, fmt.Errorf("find the tizme binary: %w", err)
	}
	return servicebench.ServerCommand{Path: exe}, nil
}

// serviceBenchSize is the service benchmark's size for cfg.
func serviceBenchSize(cfg Config) servicebench.Config {
	size := servicebench.Quick
	if cfg.BenchSize == benchFull {
		size = servicebench.Full
	}
	if cfg.BenchVoters > 0 {
		size.Voters = cfg.BenchVoters
	}
	return size
}

// benchService runs the service benchmark on two fresh databases.
func benchService(ctx context.Context, server *benchServer, size servicebench.Config, stamp int64, log *slog.Logger, stdout io.Writer) ([]harness.Result, error) {
	mainName, importName := fmt.Sprintf("tizme_bench_service_%d", stamp), fmt.Sprintf("tizme_bench_import_%d", stamp)
	mainURL, err := server.create(ctx, mainName)
	if err != nil {
		return nil, err
	}
	mainPool, err := connectBench(ctx, mainURL)
	if err != nil {
		return nil, err
	}
	defer mainPool.Close()
	importPool, err := benchPool(ctx, server, importName)
	if err != nil {
		return nil, err
	}
	defer importPool.Close()
	cmd, err := benchServerCommand()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tizme-bench-service-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	return servicebench.Run(ctx, servicebench.Env{
		Main: mainPool, Import: importPool, MainURL: mainURL, Server: cmd, TempDir: dir,
		Logger: log.With(slog.String("bench", "service")),
		NewDatabase: func(ctx context.Context) (string, error) {
			return server.create(ctx, fmt.Sprintf("tizme_bench_restore_%d", stamp))
		},
	}, size, stdout)
}

// benchServer gives empty databases on a durable server, and a function
// that removes them (and the server, if it started one).
type benchServer struct {
	where  string
	create func(ctx context.Context, name string) (string, error)
	close  func() error
}

// openBenchServer is a private PostgreSQL in a temporary folder, or the
// server of DATABASE_URL.
func openBenchServer(ctx context.Context, cfg Config, log *slog.Logger) (*benchServer, error) {
	var names []string
	if cfg.DatabaseURL != "" {
		pcfg, err := pgx.ParseConfig(cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("%s is not a valid PostgreSQL connection string", envDatabaseURL)
		}
		exec := func(ctx context.Context, sql string) error {
			c, err := pgx.ConnectConfig(ctx, pcfg)
			if err != nil {
				return fmt.Errorf("connect to %s: %w", envDatabaseURL, err)
			}
			defer c.Close(context.Background())
			_, err = c.Exec(ctx, sql)
			return err
		}
		return &benchServer{
			where: "the server of " + envDatabaseURL,
			create: func(ctx context.Context, name string) (string, error) {
				if err := exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
					return "", fmt.Errorf("create the bench database: %w", err)
				}
				names = append(names, name)
				return postgres.WithDatabase(cfg.DatabaseURL, name), nil
			},
			close: func() error {
				var errs []error
				for _, name := range names {
					errs = append(errs, exec(context.Background(), `DROP DATABASE `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`))
				}
				return errors.Join(errs...)
			},
		}, nil
	}
	dir, err := os.MkdirTemp("", "tizme-bench-")
	if err != nil {
		return nil, err
	}
	// As root the server runs as the postgres user, who must reach it.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	srv, err := pgserver.Start(ctx, pgserver.Config{DataDir: dir, BinDir: cfg.PGBinDir, Durable: true, Logger: log})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start a private PostgreSQL for the bench: %w", err), os.RemoveAll(dir))
	}
	return &benchServer{
		where: "a private durable PostgreSQL (fsync on)",
		create: func(ctx context.Context, name string) (string, error) {
			if err := srv.EnsureDatabase(ctx, name); err != nil {
				return "", err
			}
			return srv.ConnString(name), nil
		},
		close: func() error {
			return errors.Join(srv.Stop(), os.RemoveAll(dir), os.RemoveAll(srv.DataDir()))
		},
	}, nil
}

// benchPool creates database name on the bench server and connects to it.
func benchPool(ctx context.Context, server *benchServer, name string) (*pgxpool.Pool, error) {
	connString, err := server.create(ctx, name)
	if err != nil {
		return nil, err
	}
	return connectBench(ctx, connString)
}

// connectBench connects to a bench database with room for 64 writers.
func connectBench(ctx context.Context, connString string) (*pgxpool.Pool, error) {
	poolCfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, err
	}
	poolCfg.MaxConns = 80 // 64 writers and the subscriptions
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the bench database: %w", err)
	}
	return pool, nil
}

func printBench(w io.Writer, r benchReport) {
	fmt.Fprintf(w, "\ntizme bench (%s) on %d CPUs, %s/%s, %s; %s\n\n", r.Size, r.Machine.CPUs, r.Machine.OS, r.Machine.Arch, r.Machine.Go, r.Database)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "figure\tvalue\tunit\tp50 ms\tp99 ms\tbaseline\tbaseline p99\tratio\ttarget\tmet\t")
	for _, x := range r.Results {
		met := "no"
		if x.Met {
			met = "yes"
		}
		value, baseline, ratio := fmt.Sprintf("%.0f", x.Value), "-", "-"
		if x.Value < 100 {
			value = fmt.Sprintf("%.2f", x.Value)
		}
		if x.Baseline > 0 {
			baseline, ratio = fmt.Sprintf("%.0f", x.Baseline), fmt.Sprintf("%.1f×", x.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", x.Name, value, x.Unit,
			ms(x.P50Ms), ms(x.P99Ms), baseline, ms(x.BaselineP99Ms), ratio, x.Target, met)
	}
	tw.Flush()
}

func ms(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}
