// Command mautic-dsar runs the DSAR service for hosted Mautic instances
// ("serve") and the emulated Mautic fleet used for demos and tests
// ("emulate"). See CONTRACT.md for flags and environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/app"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

const usage = `Usage:
  mautic-dsar serve [--data DIR] [--grpc-addr HOST:PORT] [--http-addr HOST:PORT] [--demo] [--allow-http-mautic]
  mautic-dsar emulate --listen HOST:PORT --instances N [--contacts K] [--latency D] [--fault-rate F]
  mautic-dsar version
  mautic-dsar help

Environment (serve):
  MAUTIC_DSAR_OPERATOR_KEY  bootstrap operator API key (at least 32 characters)
  MAUTIC_DSAR_MASTER_KEY    base64 of 32 random bytes; seals credentials and packages at rest
  OTEL_*                    standard OpenTelemetry variables (OTEL_TRACES_EXPORTER=otlp|console|none, ...)

Without the two keys, serve needs --demo (which generates and keeps them in DIR).
Run "mautic-dsar serve --help" or "mautic-dsar emulate --help" for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal kills at once
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit code: 0 on success
// (including a drain after SIGINT/SIGTERM), 2 on usage and configuration
// errors (with one line on stderr), 1 on runtime failures.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr, getenv)
	case "emulate":
		return emulate(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "mautic-dsar", version())
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "mautic-dsar: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// fail prints one line and returns the exit code for err.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "mautic-dsar: %v\n", err)
	if app.IsConfigError(err) {
		return 2
	}
	return 1
}

// newFlagSet returns a flag set printing its usage and errors to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: mautic-dsar %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses fs, mapping -h to exit 0 and errors to exit 2.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0, false
	case err != nil:
		return 2, false
	case fs.NArg() > 0:
		fmt.Fprintf(fs.Output(), "mautic-dsar %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("serve", "[--data DIR] [--grpc-addr HOST:PORT] [--http-addr HOST:PORT] [--demo] [--allow-http-mautic]", stderr)
	cfg := app.Config{Stdout: stdout, Stderr: stderr, Version: version()}
	fs.StringVar(&cfg.DataDir, "data", app.DefaultDataDir, "data directory (bbolt file and encrypted access packages; created 0700)")
	fs.StringVar(&cfg.GRPCAddr, "grpc-addr", app.DefaultGRPCAddr, "gRPC listen address")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", app.DefaultHTTPAddr, "REST gateway listen address")
	fs.BoolVar(&cfg.Demo, "demo", false, "generate missing keys, start an emulated Mautic fleet and register it as tenants")
	fs.BoolVar(&cfg.AllowHTTPMautic, "allow-http-mautic", false, "permit http:// tenant base URLs")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to drain in-flight calls on SIGINT/SIGTERM")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "mautic-dsar: --log-level %q: want debug, info, warn or error\n", *logLevel)
		return 2
	}
	cfg.OperatorKey = getenv(app.EnvOperatorKey)
	cfg.MasterKey = getenv(app.EnvMasterKey)
	if err := app.Run(ctx, cfg); err != nil {
		return fail(stderr, err)
	}
	return 0
}

func emulate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("emulate", "--listen HOST:PORT --instances N [--contacts K] [--latency D] [--fault-rate F]", stderr)
	listen := fs.String("listen", "127.0.0.1:8000", "listen address (HOST:PORT)")
	instances := fs.Int("instances", 1, "number of emulated Mautic instances (at /i/1 … /i/N)")
	contacts := fs.Int("contacts", 0, "sample contacts to seed per instance")
	latency := fs.Duration("latency", 0, "added latency per request (e.g. 50ms)")
	faultRate := fs.Float64("fault-rate", 0, "share of API requests that fail (0..1): 80% answer 500, 20% answer 429 with Retry-After: 1")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	switch {
	case *instances < 1:
		fmt.Fprintln(stderr, "mautic-dsar emulate: --instances must be at least 1")
		return 2
	case *contacts < 0:
		fmt.Fprintln(stderr, "mautic-dsar emulate: --contacts must not be negative")
		return 2
	case *faultRate < 0 || *faultRate > 1:
		fmt.Fprintln(stderr, "mautic-dsar emulate: --fault-rate must be between 0 and 1")
		return 2
	case *latency < 0:
		fmt.Fprintln(stderr, "mautic-dsar emulate: --latency must not be negative")
		return 2
	}
	err := mautictest.Serve(ctx, *listen, *instances, *contacts, *latency, *faultRate, func(base string) {
		fmt.Fprintf(stdout, "emulated Mautic fleet of %d instance(s) at %s/i/{1..%d} (Basic Auth user api, password emulated-<i>)\n",
			*instances, base, *instances)
	})
	if err != nil {
		fmt.Fprintf(stderr, "mautic-dsar emulate: %v\n", err)
		return 1
	}
	return 0
}

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
