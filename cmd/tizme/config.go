package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/voter"
)

// Environment variables. Flags of the same meaning override them.
const (
	envHTTPAddr        = "TIZME_HTTP_ADDR"
	envDatabaseURL     = "DATABASE_URL"
	envDataDir         = "TIZME_DATA_DIR"
	envPGBinDir        = "TIZME_PG_BIN_DIR"
	envEventStoreURL   = "EVENTSTORE_URL"
	envLogLevel        = "TIZME_LOG_LEVEL"
	envLogFormat       = "TIZME_LOG_FORMAT"
	envShutdownTimeout = "TIZME_SHUTDOWN_TIMEOUT"
	envVoterKey        = "TIZME_VOTER_KEY"
	envDemoVoters      = "TIZME_DEMO_VOTERS"
	envPublicURL       = "TIZME_PUBLIC_URL"
	envOIDCIssuer      = "TIZME_OIDC_ISSUER"
	envOIDCAudience    = "TIZME_OIDC_AUDIENCE"
	envOIDCJWKSURL     = "TIZME_OIDC_JWKS_URL"
	envOIDCKeyRefresh  = "TIZME_OIDC_KEY_REFRESH"
	envDevIssuer       = "TIZME_DEV_ISSUER"
	envSelfCheckRate   = "TIZME_SELFCHECK_RATE"
	envSelfCheckBurst  = "TIZME_SELFCHECK_BURST"
	envFeedURL         = "TIZME_FEED_URL"
)

// Settings of DevIssuer.
const (
	devIssuerAuto = "auto" // on only while the private PostgreSQL holds only the demo data, off otherwise
	devIssuerOn   = "on"
	devIssuerOff  = "off"
)

// Log formats.
const (
	logFormatJSON = "json"
	logFormatText = "text"
)

// Config is everything tizme is told from outside.
type Config struct {
	// HTTPAddr is where serve listens, host:port; port 0 picks a free one.
	// Empty means 127.0.0.1:8080 while the development issuer runs and
	// :8080 otherwise (Config.listenAddr).
	HTTPAddr string
	// DatabaseURL points at an existing PostgreSQL. When empty, tizme runs
	// a private PostgreSQL in DataDir.
	//
	// WARNING: it may hold a password; never log it.
	DatabaseURL string
	// DataDir holds the private PostgreSQL's cluster.
	DataDir string
	// PGBinDir, when set, is where the private PostgreSQL's binaries are;
	// by default they are searched for.
	PGBinDir string
	// EventStoreURL (esdb://...), when set, puts the events in
	// EventStoreDB/KurrentDB; the read models stay in PostgreSQL.
	//
	// WARNING: it may hold a password; never log it.
	EventStoreURL string
	LogLevel      slog.Level
	// LogFormat is "json" or "text".
	LogFormat string
	// ShutdownTimeout bounds the wait for requests in flight at shutdown.
	ShutdownTimeout time.Duration
	// VoterKey (hex or base64, at least 32 bytes) is the secret key of voter
	// stream names. When empty, a key made on the first start and kept in
	// the database is used.
	//
	// WARNING: a secret that must never change once voter events exist;
	// never log it.
	VoterKey string
	// DemoVoters is how many voters of synthetic demo data are loaded
	// into an empty private database at serve (0 = none). Never loaded
	// into a database named by DatabaseURL.
	DemoVoters int
	// PublicURL is the address clients reach the service at, such as
	// https://tizme.shailoo.gov.kg; empty means http://localhost:<port>.
	// The development issuer names itself under it.
	PublicURL string
	// OIDCIssuer, OIDCAudience and OIDCJWKSURL name the identity provider
	// whose bearer tokens sign voters, staff and auditors in.
	OIDCIssuer, OIDCAudience, OIDCJWKSURL string
	// OIDCKeyRefresh is the least time between two fetches of the key set
	// for a token naming an unknown key (a badly signed token must not
	// make tizme flood the provider).
	OIDCKeyRefresh time.Duration
	// OIDCClientID, OIDCAuthURL, OIDCTokenURL and OIDCRedirectURL register
	// tizme for browser sign-in (the authorization code flow, websignin.go);
	// OIDCClientSecret authenticates it at the token endpoint.
	//
	// WARNING: OIDCClientSecret is a secret; never log it.
	OIDCClientID, OIDCClientSecret, OIDCAuthURL, OIDCTokenURL, OIDCRedirectURL string
	// SessionIdle and SessionAbsolute end a browser session after that
	// long without a request, and that long after sign-in; 0 means
	// session.DefaultIdle (30m) and session.DefaultAbsolute (12h).
	SessionIdle, SessionAbsolute time.Duration
	// DevIssuer is auto, on or off: whether tizme runs its own development
	// token issuer (at /dev/oidc). auto = on only for the embedded demo
	// (private PostgreSQL whose log holds only the demo data, no
	// OIDCIssuer); on refuses DatabaseURL and real data.
	//
	// WARNING: the development issuer signs a token for anyone who asks;
	// never turn it on for real data.
	DevIssuer string
	// SelfCheckRate is how many public self-checks one client address may
	// make per minute; SelfCheckBurst how many at once.
	SelfCheckRate, SelfCheckBurst int
	// AsOfAt is the instant `tizme asof` answers for (RFC 3339).
	AsOfAt string
	// AsOfPrecinct limits `tizme asof` to one precinct number (0 = all).
	AsOfPrecinct int
	// AsOfFormat is csv or json.
	AsOfFormat string
	// AsOfReplay makes `tizme asof` replay the raw log instead of reading
	// the voter-versions read model.
	AsOfReplay bool
	// AsOfEffective makes `tizme asof` answer the list as effective on
	// this day (YYYY-MM-DD, Bishkek) instead of as recorded at -at.
	AsOfEffective string
	// DemoDataVoters is the size of the population `tizme demo-data`
	// makes (national scale is about 4,300,000).
	DemoDataVoters int
	// DemoDataSeed fixes the population `tizme demo-data` makes: the same
	// seed, size and day give the same events.
	DemoDataSeed int64
	// DemoDataCSV, when set, is the population-register CSV `tizme
	// demo-data` writes (the file `tizme import` reads).
	DemoDataCSV string
	// DemoDataAppend makes `tizme demo-data` append the events to the
	// store; with it false only the CSV is written.
	DemoDataAppend bool
	// ImportRejects is the rejects file of `tizme import`; empty means the
	// imported file's name with .rejects.csv.
	ImportRejects string
	// OutcomesFile and OutcomesElection are `tizme outcomes`' file of a
	// past election's outcome per precinct (docs/outcomes.md) and the
	// election's ID.
	OutcomesFile     string
	OutcomesElection string
	// DemoDataFeedDelta, when set, is the sample population-register
	// delta (JSON lines) `tizme demo-data` writes for the demo voters in
	// the database (the file `tizme feed` applies).
	DemoDataFeedDelta string
	// FeedURL is the endpoint `tizme feed` pulls changes from when it is
	// given no file (GET <url>?since=<cursor>, JSON lines).
	FeedURL string
	// FeedName names the feed: the source of its changes, the scope of
	// their idempotency keys and of the pull's cursor; empty means
	// "population-register".
	FeedName string
	// FeedMetrics, when set, is the Prometheus textfile `tizme feed`
	// writes its counters to (node_exporter's textfile collector).
	FeedMetrics string
	// BenchSize is the size of `tizme bench`: "quick" or "full".
	BenchSize string
	// BenchOut is the JSON file `tizme bench` writes.
	BenchOut string
	// BenchVoters sizes the service benchmark's population; 0 = the
	// size's default (4300000 = national scale).
	BenchVoters int
	// BenchParts lists the parts `tizme bench` runs, comma-separated:
	// store, projections, service, chain; empty = all.
	BenchParts string
	// VerifyChain makes `tizme verify` check the log's hash chain instead
	// of the read models.
	VerifyChain bool
	// Args are the arguments after the flags, one per line, for the
	// commands in takesArgs (`tizme rebuild [projection…]`). A string
	// keeps Config comparable; ArgList splits it.
	Args string
}

// ArgList returns the arguments after the flags.
func (c Config) ArgList() []string {
	if c.Args == "" {
		return nil
	}
	return strings.Split(c.Args, "\n")
}

// takesArgs lists the commands that accept arguments after their flags.
var takesArgs = map[string]bool{"rebuild": true, "verify": true, "import": true, "backup": true, "restore": true, "feed": true}

// exactArgs lists the commands that take exactly one argument, with its
// name for the usage message.
var exactArgs = map[string]string{"import": "<file.csv>", "backup": "<dir>", "restore": "<dir>"}

// Bench sizes and parts.
const (
	benchQuick = "quick"
	benchFull  = "full"

	benchPartStore       = "store"
	benchPartProjections = "projections"
	benchPartService     = "service"
	benchPartChain       = "chain"
)

// defaultConfig makes `tizme serve` work with no configuration at all.
func defaultConfig() Config {
	return Config{
		DataDir:         "./.tizme/pg",
		LogLevel:        slog.LevelInfo,
		LogFormat:       logFormatJSON,
		ShutdownTimeout: 15 * time.Second,
		BenchSize:       benchQuick,
		BenchOut:        "bench-results/bench.json",
		AsOfFormat:      "csv",
		DemoVoters:      defaultDemoVoters,
		DemoDataVoters:  defaultDemoDataVoters,
		DemoDataSeed:    demoSeed,
		DemoDataAppend:  true,
		OIDCAudience:    "tizme",
		OIDCKeyRefresh:  time.Minute,
		DevIssuer:       devIssuerAuto,
		SelfCheckRate:   30,
		SelfCheckBurst:  10,
	}
}

// defaultDemoVoters is the size of the demo data of a fresh private
// database.
const defaultDemoVoters = 5000

// defaultDemoDataVoters is the size of `tizme demo-data` without -voters.
const defaultDemoDataVoters = 50000

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	if c.HTTPAddr == "" {
		// The default, chosen by serve (listenAddr).
	} else if err := validateListenAddr(c.HTTPAddr); err != nil {
		errs = append(errs, fmt.Errorf("%s %q: %w", envHTTPAddr, c.HTTPAddr, err))
	}
	if c.DatabaseURL != "" {
		// The value is not repeated: it may hold a password.
		if _, err := pgxpool.ParseConfig(c.DatabaseURL); err != nil {
			errs = append(errs, fmt.Errorf("%s is not a valid PostgreSQL connection string (value not shown)", envDatabaseURL))
		}
	} else if c.DataDir == "" {
		errs = append(errs, fmt.Errorf("%s is empty: set it, or set %s", envDataDir, envDatabaseURL))
	}
	if c.EventStoreURL != "" {
		u, err := url.Parse(c.EventStoreURL)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s is not a valid URL (value not shown)", envEventStoreURL))
		case u.Scheme != "esdb" && u.Scheme != "esdb+discover":
			errs = append(errs, fmt.Errorf("%s must start with esdb:// or esdb+discover://", envEventStoreURL))
		case u.Host == "":
			errs = append(errs, fmt.Errorf("%s names no host", envEventStoreURL))
		}
	}
	if c.LogFormat != logFormatJSON && c.LogFormat != logFormatText {
		errs = append(errs, fmt.Errorf("%s %q: want %q or %q", envLogFormat, c.LogFormat, logFormatJSON, logFormatText))
	}
	if c.VoterKey != "" {
		// The value is not repeated: it is a secret.
		if key, err := decodeKey(c.VoterKey); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w (value not shown)", envVoterKey, err))
		} else if err := voter.CheckKey(key); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", envVoterKey, err))
		}
	}
	if c.AsOfAt != "" {
		if _, err := time.Parse(time.RFC3339, c.AsOfAt); err != nil {
			errs = append(errs, fmt.Errorf("-at %q: want an RFC 3339 time such as 2026-09-10T12:00:00+06:00", c.AsOfAt))
		}
	}
	if c.AsOfEffective != "" {
		if _, err := calendar.ParseDate(c.AsOfEffective); err != nil {
			errs = append(errs, fmt.Errorf("-effective %q: want a day such as 2026-09-10", c.AsOfEffective))
		}
		if c.AsOfAt != "" {
			errs = append(errs, errors.New("-at and -effective: give one (the list as recorded at an instant, or as effective on a day)"))
		}
	}
	if c.AsOfFormat != "csv" && c.AsOfFormat != "json" {
		errs = append(errs, fmt.Errorf("-format %q: want csv or json", c.AsOfFormat))
	}
	if c.AsOfPrecinct < 0 {
		errs = append(errs, fmt.Errorf("-precinct %d: want a precinct number, or 0 for all", c.AsOfPrecinct))
	}
	if c.BenchSize != benchQuick && c.BenchSize != benchFull {
		errs = append(errs, fmt.Errorf("-bench-size %q: want %q or %q", c.BenchSize, benchQuick, benchFull))
	}
	if c.BenchVoters < 0 {
		errs = append(errs, fmt.Errorf("-bench-voters %d: want a number of voters, or 0 for the size's default", c.BenchVoters))
	}
	for _, part := range strings.Split(c.BenchParts, ",") {
		if part != "" && part != benchPartStore && part != benchPartProjections && part != benchPartService && part != benchPartChain {
			errs = append(errs, fmt.Errorf("-bench-parts %q: want a list of %s, %s, %s, %s", c.BenchParts, benchPartStore, benchPartProjections, benchPartService, benchPartChain))
			break
		}
	}
	if c.DemoVoters < 0 {
		errs = append(errs, fmt.Errorf("%s %d: want a number of voters, or 0 for none", envDemoVoters, c.DemoVoters))
	}
	if c.DemoDataVoters < 0 {
		errs = append(errs, fmt.Errorf("-voters %d: want a number of voters", c.DemoDataVoters))
	}
	errs = append(errs, c.validateAuth()...)
	errs = append(errs, c.validateBrowser()...)
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("%s %s: must be positive", envShutdownTimeout, c.ShutdownTimeout))
	}
	return errors.Join(errs...)
}

// validateAuth checks the sign-in and public-endpoint settings.
func (c Config) validateAuth() []error {
	var errs []error
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q: want an http(s) URL such as https://tizme.example.kg", envPublicURL, c.PublicURL))
		}
	}
	switch c.DevIssuer {
	case devIssuerAuto, devIssuerOff:
	case devIssuerOn:
		if c.OIDCIssuer != "" {
			errs = append(errs, fmt.Errorf("%s=on and %s are both set: choose one identity provider", envDevIssuer, envOIDCIssuer))
		}
		if c.DatabaseURL != "" {
			// The development issuer signs a token for anyone who asks: it
			// never runs on a database someone else's data may be in.
			errs = append(errs, fmt.Errorf("%s=on and %s are both set: the development issuer runs only on the private demo database; set %s=off and configure %s",
				envDevIssuer, envDatabaseURL, envDevIssuer, envOIDCIssuer))
		}
	default:
		errs = append(errs, fmt.Errorf("%s %q: want auto, on or off", envDevIssuer, c.DevIssuer))
	}
	if c.OIDCIssuer != "" {
		if c.OIDCJWKSURL == "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: tokens cannot be checked without the key set", envOIDCIssuer, envOIDCJWKSURL))
		}
		if c.OIDCAudience == "" {
			errs = append(errs, fmt.Errorf("%s is empty: tokens must name tizme as their audience", envOIDCAudience))
		}
	}
	if c.OIDCKeyRefresh <= 0 {
		errs = append(errs, fmt.Errorf("%s %s: must be positive", envOIDCKeyRefresh, c.OIDCKeyRefresh))
	}
	if c.SelfCheckRate <= 0 || c.SelfCheckBurst <= 0 {
		errs = append(errs, fmt.Errorf("%s and %s must be positive (got %d, %d)", envSelfCheckRate, envSelfCheckBurst, c.SelfCheckRate, c.SelfCheckBurst))
	}
	return errs
}

func validateListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want host:port, e.g. :8080 or 127.0.0.1:8080")
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || (n == 0 && port != "0") {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}

// loadConfig reads the defaults, then the environment (through getenv),
// then the flags in args, and validates the result. Every problem found in
// the environment and in the values is reported at once. A bad flag returns
// errUsage (the flag package has printed why to output); -h returns
// flag.ErrHelp.
func loadConfig(command string, args []string, getenv func(string) string, output io.Writer) (Config, error) {
	cfg := defaultConfig()
	var errs []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str(envHTTPAddr, &cfg.HTTPAddr)
	str(envDatabaseURL, &cfg.DatabaseURL)
	str(envDataDir, &cfg.DataDir)
	str(envPGBinDir, &cfg.PGBinDir)
	str(envEventStoreURL, &cfg.EventStoreURL)
	str(envVoterKey, &cfg.VoterKey)
	str(envLogFormat, &cfg.LogFormat)
	str(envPublicURL, &cfg.PublicURL)
	str(envOIDCIssuer, &cfg.OIDCIssuer)
	str(envOIDCAudience, &cfg.OIDCAudience)
	str(envOIDCJWKSURL, &cfg.OIDCJWKSURL)
	str(envDevIssuer, &cfg.DevIssuer)
	str(envFeedURL, &cfg.FeedURL)
	errs = append(errs, loadBrowserEnv(&cfg, getenv)...)
	for _, v := range []struct {
		name string
		dst  *int
	}{{envSelfCheckRate, &cfg.SelfCheckRate}, {envSelfCheckBurst, &cfg.SelfCheckBurst}} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %q: want a whole number", v.name, s))
			}
			*v.dst = n
		}
	}
	if v := getenv(envLogLevel); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: want debug, info, warn or error", envLogLevel, v))
		}
	}
	if v := getenv(envDemoVoters); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: want a number of voters, or 0 for none", envDemoVoters, v))
		}
		cfg.DemoVoters = n
	}
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{{envShutdownTimeout, &cfg.ShutdownTimeout}, {envOIDCKeyRefresh, &cfg.OIDCKeyRefresh}} {
		if s := getenv(v.name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %q: want a duration such as 15s", v.name, s))
			}
			*v.dst = d
		}
	}

	fs := newFlagSet("tizme "+command, &cfg)
	fs.SetOutput(output)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, errUsage
	}
	if fs.NArg() > 0 && !takesArgs[command] {
		fmt.Fprintf(output, "tizme %s: unexpected arguments %q\n", command, fs.Args())
		return Config{}, errUsage
	}
	if name, ok := exactArgs[command]; ok && fs.NArg() != 1 {
		fmt.Fprintf(output, "tizme %s: want exactly one argument, %s; got %d\n", command, name, fs.NArg())
		return Config{}, errUsage
	}
	if fs.NArg() > 0 {
		cfg.Args = strings.Join(fs.Args(), "\n")
	}
	if command == "demo-data" && !cfg.DemoDataAppend && cfg.DemoDataCSV == "" && cfg.DemoDataFeedDelta == "" {
		errs = append(errs, errors.New("demo-data: -append=false and no -csv or -feed-delta: nothing to do"))
	}
	if command == "outcomes" && (cfg.OutcomesFile == "" || cfg.OutcomesElection == "") {
		errs = append(errs, errors.New("outcomes: give the file (-file) and the election (-election)"))
	}
	if command == "feed" {
		switch {
		case fs.NArg() > 1:
			fmt.Fprintf(output, "tizme feed: want at most one delta file; got %d\n", fs.NArg())
			return Config{}, errUsage
		case fs.NArg() == 1 && cfg.FeedURL != "":
			errs = append(errs, fmt.Errorf("feed: a delta file and -url (%s) both given: apply one", envFeedURL))
		case fs.NArg() == 0 && cfg.FeedURL == "":
			errs = append(errs, fmt.Errorf("feed: give a delta file, or -url (%s) to pull from the registration service", envFeedURL))
		}
		if !validFeedName(cfg.FeedName) {
			errs = append(errs, fmt.Errorf("feed: -feed %q: want letters, digits, '-' or '_'", cfg.FeedName))
		}
	}
	if err := errors.Join(append(errs, cfg.Validate())...); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// newFlagSet binds the flags to cfg, whose current values are the defaults
// the flags show.
func newFlagSet(name string, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.HTTPAddr, "http-addr", cfg.HTTPAddr, "HTTP listen address, host:port; empty = 127.0.0.1:8080 while the development issuer runs, else :8080 ($"+envHTTPAddr+")")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL,
		"PostgreSQL connection string; empty runs a private PostgreSQL in -data-dir ($"+envDatabaseURL+"; prefer the variable, flags show in ps)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "folder of the private PostgreSQL ($"+envDataDir+")")
	fs.StringVar(&cfg.PGBinDir, "pg-bin-dir", cfg.PGBinDir, "folder of the PostgreSQL server binaries; empty searches for them ($"+envPGBinDir+")")
	fs.StringVar(&cfg.EventStoreURL, "eventstore-url", cfg.EventStoreURL,
		"esdb:// URL to keep the events in EventStoreDB/KurrentDB; empty keeps them in PostgreSQL ($"+envEventStoreURL+")")
	fs.TextVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error ($"+envLogLevel+")")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "json or text ($"+envLogFormat+")")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "how long shutdown waits for requests in flight ($"+envShutdownTimeout+")")
	fs.IntVar(&cfg.DemoVoters, "demo-voters", cfg.DemoVoters,
		"voters of synthetic demo data loaded into an empty private database; 0 = none ($"+envDemoVoters+")")
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "address clients reach the service at; empty = http://localhost:<port> ($"+envPublicURL+")")
	fs.StringVar(&cfg.OIDCIssuer, "oidc-issuer", cfg.OIDCIssuer, "OpenID Connect issuer of sign-in tokens ($"+envOIDCIssuer+")")
	fs.StringVar(&cfg.OIDCAudience, "oidc-audience", cfg.OIDCAudience, "audience sign-in tokens must carry ($"+envOIDCAudience+")")
	fs.StringVar(&cfg.OIDCJWKSURL, "oidc-jwks-url", cfg.OIDCJWKSURL, "the issuer's JWK set address ($"+envOIDCJWKSURL+")")
	fs.DurationVar(&cfg.OIDCKeyRefresh, "oidc-key-refresh", cfg.OIDCKeyRefresh, "least time between two fetches of the key set for an unknown key id ($"+envOIDCKeyRefresh+")")
	fs.StringVar(&cfg.DevIssuer, "dev-issuer", cfg.DevIssuer, "auto, on or off: run the development token issuer; auto = on only while the private database holds only the demo data ($"+envDevIssuer+")")
	addBrowserFlags(fs, cfg)
	fs.IntVar(&cfg.SelfCheckRate, "selfcheck-rate", cfg.SelfCheckRate, "public self-checks per minute per client address ($"+envSelfCheckRate+")")
	fs.IntVar(&cfg.SelfCheckBurst, "selfcheck-burst", cfg.SelfCheckBurst, "public self-checks at once per client address ($"+envSelfCheckBurst+")")
	fs.StringVar(&cfg.AsOfAt, "at", cfg.AsOfAt, "asof only: the instant, RFC 3339 (default: now)")
	fs.IntVar(&cfg.AsOfPrecinct, "precinct", cfg.AsOfPrecinct, "asof only: one precinct number (0 = all)")
	fs.StringVar(&cfg.AsOfFormat, "format", cfg.AsOfFormat, "asof only: csv or json")
	fs.BoolVar(&cfg.AsOfReplay, "replay", cfg.AsOfReplay, "asof only: replay the raw log instead of reading the voter-versions read model")
	fs.StringVar(&cfg.AsOfEffective, "effective", cfg.AsOfEffective, "asof only: the list as effective on this day (YYYY-MM-DD, Bishkek), back-dated events included, instead of as recorded at -at")
	fs.IntVar(&cfg.DemoDataVoters, "voters", cfg.DemoDataVoters, "demo-data only: voters in the synthetic population (national scale: 4300000)")
	fs.Int64Var(&cfg.DemoDataSeed, "seed", cfg.DemoDataSeed, "demo-data only: the seed; the same seed, size and day give the same data")
	fs.StringVar(&cfg.DemoDataCSV, "csv", cfg.DemoDataCSV, "demo-data only: also write the population-register CSV to this file")
	fs.BoolVar(&cfg.DemoDataAppend, "append", cfg.DemoDataAppend, "demo-data only: append the events to the store (false: only write -csv)")
	fs.StringVar(&cfg.ImportRejects, "rejects", cfg.ImportRejects, "import and feed: the rejects file (default <file>.rejects.csv; feed -url: feed-rejects.csv)")
	fs.StringVar(&cfg.DemoDataFeedDelta, "feed-delta", cfg.DemoDataFeedDelta, "demo-data only: also write a sample population-register delta for the demo voters in the database (tizme feed applies it)")
	fs.StringVar(&cfg.FeedURL, "url", cfg.FeedURL, "feed only: pull changes from this endpoint instead of a file ($"+envFeedURL+")")
	fs.StringVar(&cfg.FeedName, "feed", cfg.FeedName, "feed only: the feed's name (source, idempotency scope, cursor; default population-register)")
	fs.StringVar(&cfg.FeedMetrics, "metrics-file", cfg.FeedMetrics, "feed only: write the run's counters to this Prometheus textfile")
	fs.StringVar(&cfg.OutcomesFile, "file", cfg.OutcomesFile, "outcomes only: the CEC's file of a past election's outcome per precinct (CSV, docs/outcomes.md)")
	fs.StringVar(&cfg.OutcomesElection, "election", cfg.OutcomesElection, "outcomes only: the election's ID")
	fs.BoolVar(&cfg.VerifyChain, "chain", cfg.VerifyChain, "verify only: check the log against its hash chain and the published checkpoints")
	fs.StringVar(&cfg.BenchSize, "bench-size", cfg.BenchSize, "bench only: quick (CI) or full")
	fs.StringVar(&cfg.BenchOut, "bench-out", cfg.BenchOut, "bench only: the JSON file of results")
	fs.IntVar(&cfg.BenchVoters, "bench-voters", cfg.BenchVoters, "bench only: voters of the service benchmark; 0 = the size's default, 4300000 = national scale")
	fs.StringVar(&cfg.BenchParts, "bench-parts", cfg.BenchParts, "bench only: parts to run, comma-separated: store, projections, service, chain (default all)")
	return fs
}
