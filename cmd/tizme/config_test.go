package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		DataDir:         "./.tizme/pg",
		LogLevel:        slog.LevelInfo,
		LogFormat:       "json",
		ShutdownTimeout: 15 * time.Second,
		BenchSize:       benchQuick,
		BenchOut:        "bench-results/bench.json",
		AsOfFormat:      "csv",
		DemoVoters:      5000,
		DemoDataVoters:  50000,
		DemoDataSeed:    2026,
		DemoDataAppend:  true,
		OIDCAudience:    "tizme",
		OIDCKeyRefresh:  time.Minute,
		DevIssuer:       devIssuerAuto,
		SelfCheckRate:   30,
		SelfCheckBurst:  10,
	}
	if cfg != want {
		t.Errorf("defaults = %+v, want %+v", cfg, want)
	}
}

func TestLoadConfigSources(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		envHTTPAddr:        "127.0.0.1:9000",
		envDatabaseURL:     "postgres://u:p@db:5432/tizme",
		envDataDir:         "/var/lib/tizme/pg",
		envPGBinDir:        "/usr/lib/postgresql/15/bin",
		envEventStoreURL:   "esdb://es:2113?tls=false",
		envLogLevel:        "debug",
		envLogFormat:       "text",
		envShutdownTimeout: "3s",
	}
	tests := []struct {
		name string
		args []string
		want Config
	}{
		{
			name: "environment",
			want: Config{
				HTTPAddr: "127.0.0.1:9000", DatabaseURL: "postgres://u:p@db:5432/tizme", DataDir: "/var/lib/tizme/pg",
				PGBinDir: "/usr/lib/postgresql/15/bin", EventStoreURL: "esdb://es:2113?tls=false",
				LogLevel: slog.LevelDebug, LogFormat: "text", ShutdownTimeout: 3 * time.Second,
				BenchSize: benchQuick, BenchOut: "bench-results/bench.json", AsOfFormat: "csv",
				DemoVoters: 5000, DemoDataVoters: 50000, DemoDataSeed: 2026, DemoDataAppend: true, OIDCAudience: "tizme", OIDCKeyRefresh: time.Minute, DevIssuer: devIssuerAuto, SelfCheckRate: 30, SelfCheckBurst: 10,
			},
		},
		{
			name: "flags override the environment",
			args: []string{"-http-addr", ":9999", "-log-level", "warn", "-log-format=json", "-shutdown-timeout", "1m", "-eventstore-url", ""},
			want: Config{
				HTTPAddr: ":9999", DatabaseURL: "postgres://u:p@db:5432/tizme", DataDir: "/var/lib/tizme/pg",
				PGBinDir: "/usr/lib/postgresql/15/bin", EventStoreURL: "",
				LogLevel: slog.LevelWarn, LogFormat: "json", ShutdownTimeout: time.Minute,
				BenchSize: benchQuick, BenchOut: "bench-results/bench.json", AsOfFormat: "csv",
				DemoVoters: 5000, DemoDataVoters: 50000, DemoDataSeed: 2026, DemoDataAppend: true, OIDCAudience: "tizme", OIDCKeyRefresh: time.Minute, DevIssuer: devIssuerAuto, SelfCheckRate: 30, SelfCheckBurst: 10,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig("serve", tt.args, env(vars), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg != tt.want {
				t.Errorf("config = %+v\nwant     %+v", cfg, tt.want)
			}
		})
	}
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		envHTTPAddr:        "localhost",
		envDatabaseURL:     "postgres://u:s3cret@db:notaport/x",
		envEventStoreURL:   "http://es:2113",
		envLogLevel:        "loud",
		envLogFormat:       "xml",
		envShutdownTimeout: "soon",
	}
	_, err := loadConfig("serve", nil, env(vars), io.Discard)
	if err == nil {
		t.Fatal("loadConfig accepted a bad configuration")
	}
	msg := err.Error()
	for _, want := range []string{envHTTPAddr, envDatabaseURL, envEventStoreURL, envLogLevel, envLogFormat, envShutdownTimeout} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %s:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "s3cret") {
		t.Errorf("error shows the database password:\n%s", msg)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := defaultConfig()
	tests := []struct {
		name    string
		modify  func(*Config)
		wantErr string // "" for valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"port 0 picks a free port", func(c *Config) { c.HTTPAddr = "127.0.0.1:0" }, ""},
		{"IPv6", func(c *Config) { c.HTTPAddr = "[::1]:8080" }, ""},
		{"no port", func(c *Config) { c.HTTPAddr = "127.0.0.1" }, envHTTPAddr},
		{"port too big", func(c *Config) { c.HTTPAddr = ":65536" }, envHTTPAddr},
		{"named port", func(c *Config) { c.HTTPAddr = ":http" }, envHTTPAddr},
		{"no data dir without database", func(c *Config) { c.DataDir = "" }, envDataDir},
		{"no data dir with database", func(c *Config) { c.DataDir = ""; c.DatabaseURL = "postgres://db/tizme" }, ""},
		{"key-value database string", func(c *Config) { c.DatabaseURL = "host=db dbname=tizme" }, ""},
		{"esdb+discover", func(c *Config) { c.EventStoreURL = "esdb+discover://cluster.local:2113" }, ""},
		{"event store without host", func(c *Config) { c.EventStoreURL = "esdb://" }, envEventStoreURL},
		{"zero shutdown timeout", func(c *Config) { c.ShutdownTimeout = 0 }, envShutdownTimeout},
		{"unknown log format", func(c *Config) { c.LogFormat = "logfmt" }, envLogFormat},
		{"full bench", func(c *Config) { c.BenchSize = benchFull }, ""},
		{"unknown bench size", func(c *Config) { c.BenchSize = "huge" }, "-bench-size"},
		{"national bench", func(c *Config) { c.BenchVoters, c.BenchParts = 4_300_000, "service" }, ""},
		{"negative bench voters", func(c *Config) { c.BenchVoters = -1 }, "-bench-voters"},
		{"unknown bench part", func(c *Config) { c.BenchParts = "store,disk" }, "-bench-parts"},
		{"as-of time", func(c *Config) { c.AsOfAt = "2026-09-10T12:00:00+06:00" }, ""},
		{"identity provider", func(c *Config) {
			c.OIDCIssuer, c.OIDCJWKSURL = "https://id.gov.kg", "https://id.gov.kg/jwks"
		}, ""},
		{"issuer without key set", func(c *Config) { c.OIDCIssuer = "https://id.gov.kg" }, envOIDCJWKSURL},
		{"issuer without audience", func(c *Config) {
			c.OIDCIssuer, c.OIDCJWKSURL, c.OIDCAudience = "https://id.gov.kg", "https://id.gov.kg/jwks", ""
		}, envOIDCAudience},
		{"dev issuer beside a real one", func(c *Config) {
			c.OIDCIssuer, c.OIDCJWKSURL, c.DevIssuer = "https://id.gov.kg", "https://id.gov.kg/jwks", devIssuerOn
		}, envDevIssuer},
		{"unknown dev issuer setting", func(c *Config) { c.DevIssuer = "yes" }, envDevIssuer},
		{"dev issuer on an external database", func(c *Config) {
			c.DatabaseURL, c.DevIssuer = "postgres://u:p@db:5432/tizme", devIssuerOn
		}, envDatabaseURL},
		{"dev issuer auto on an external database", func(c *Config) { c.DatabaseURL = "postgres://u:p@db:5432/tizme" }, ""},
		{"public URL without scheme", func(c *Config) { c.PublicURL = "tizme.kg" }, envPublicURL},
		{"zero key refresh interval", func(c *Config) { c.OIDCKeyRefresh = 0 }, envOIDCKeyRefresh},
		{"zero self-check rate", func(c *Config) { c.SelfCheckRate = 0 }, envSelfCheckRate},
		{"bad as-of time", func(c *Config) { c.AsOfAt = "yesterday" }, "-at"},
		{"bad as-of format", func(c *Config) { c.AsOfFormat = "xml" }, "-format"},
		{"no demo data", func(c *Config) { c.DemoVoters = 0 }, ""},
		{"negative demo voters", func(c *Config) { c.DemoVoters = -1 }, envDemoVoters},
		{"national-scale demo data", func(c *Config) { c.DemoDataVoters = 4_300_000 }, ""},
		{"negative demo-data voters", func(c *Config) { c.DemoDataVoters = -5 }, "-voters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := valid
			tt.modify(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want an error about %s", err, tt.wantErr)
			}
		})
	}
}

func TestLoadConfigFlagErrors(t *testing.T) {
	t.Parallel()
	if _, err := loadConfig("serve", []string{"-h"}, env(nil), io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v, want flag.ErrHelp", err)
	}
	if _, err := loadConfig("serve", []string{"-no-such-flag"}, env(nil), io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("unknown flag: err = %v, want errUsage", err)
	}
	if _, err := loadConfig("serve", []string{"extra"}, env(nil), io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("extra argument: err = %v, want errUsage", err)
	}
}

func TestLoadConfigDemoDataAndImport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		command string
		args    []string
		check   func(Config) bool
		wantErr error // errUsage, or nil
		errText string
	}{
		{name: "demo-data flags", command: "demo-data", args: []string{"-voters", "4300000", "-seed", "7", "-csv", "pop.csv", "-append=false"},
			check: func(c Config) bool {
				return c.DemoDataVoters == 4300000 && c.DemoDataSeed == 7 && c.DemoDataCSV == "pop.csv" && !c.DemoDataAppend
			}},
		{name: "demo-data defaults", command: "demo-data",
			check: func(c Config) bool {
				return c.DemoDataVoters == 50000 && c.DemoDataSeed == demoSeed && c.DemoDataAppend
			}},
		{name: "demo-data with nothing to do", command: "demo-data", args: []string{"-append=false"}, errText: "nothing to do"},
		{name: "demo-data takes no arguments", command: "demo-data", args: []string{"x.csv"}, wantErr: errUsage},
		{name: "import one file", command: "import", args: []string{"-rejects", "bad.csv", "register.csv"},
			check: func(c Config) bool { return c.ImportRejects == "bad.csv" && c.Args == "register.csv" }},
		{name: "import without a file", command: "import", wantErr: errUsage},
		{name: "import two files", command: "import", args: []string{"a.csv", "b.csv"}, wantErr: errUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(tt.command, tt.args, env(nil), io.Discard)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.errText != "":
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Errorf("err = %v, want one about %q", err, tt.errText)
				}
			case err != nil:
				t.Fatal(err)
			case !tt.check(cfg):
				t.Errorf("config = %+v", cfg)
			}
		})
	}
}
