package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Environment variables holding the two secrets.
const (
	EnvOperatorKey = "MAUTIC_DSAR_OPERATOR_KEY"
	EnvMasterKey   = "MAUTIC_DSAR_MASTER_KEY"
)

// MinOperatorKeyLen is the shortest accepted bootstrap operator key.
const MinOperatorKeyLen = 32

// Defaults of the serve flags (CONTRACT.md).
const (
	DefaultDataDir  = "./mautic-dsar-data"
	DefaultGRPCAddr = "127.0.0.1:9090"
	DefaultHTTPAddr = "127.0.0.1:8080"
)

// Config is everything Run needs. Secrets come from the environment (never
// flags), read by the caller.
type Config struct {
	// DataDir holds dsar.db and the encrypted access packages (created
	// 0700).
	DataDir string
	// GRPCAddr and HTTPAddr are the listen addresses ("host:0" picks a
	// free port).
	GRPCAddr, HTTPAddr string
	// Demo generates missing keys (persisted 0600 in DataDir), starts an
	// emulated Mautic fleet and registers it as tenants. It implies
	// AllowHTTPMautic, since the fleet speaks plain http on 127.0.0.1.
	Demo bool
	// AllowHTTPMautic permits http:// tenant base URLs.
	AllowHTTPMautic bool
	// OperatorKey is MAUTIC_DSAR_OPERATOR_KEY (at least 32 characters).
	OperatorKey string
	// MasterKey is MAUTIC_DSAR_MASTER_KEY (base64 of 32 bytes).
	MasterKey string
	// Stdout receives the demo banner; Stderr the JSON logs.
	Stdout, Stderr io.Writer
	// LogLevel filters logs (default Info).
	LogLevel slog.Level
	// ShutdownTimeout bounds the drain on shutdown (default 10s).
	ShutdownTimeout time.Duration
	// Version is reported as service.version.
	Version string
	// SpanProcessors are added to the tracer provider (tests record spans
	// with them); the exporter still comes from OTEL_*.
	SpanProcessors []sdktrace.SpanProcessor
	// OnReady, if set, is called once both listeners are up, with their
	// actual addresses.
	OnReady func(Addrs)
}

// Addrs are the addresses the service listens on.
type Addrs struct {
	GRPC, HTTP string
	// Fleet is the base URL of the demo's emulated Mautic fleet ("" when
	// not in demo mode).
	Fleet string
}

// ConfigError is a configuration mistake the operator must fix (missing or
// malformed key, bad directory). The binary exits 2 on it with the one-line
// message.
type ConfigError struct{ Msg string }

// Error implements error.
func (e *ConfigError) Error() string { return e.Msg }

// IsConfigError reports whether err is (or wraps) a *ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

func configErrorf(format string, a ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, a...)}
}

func (c *Config) defaults() {
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.GRPCAddr == "" {
		c.GRPCAddr = DefaultGRPCAddr
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = DefaultHTTPAddr
	}
	if c.Stdout == nil {
		c.Stdout = io.Discard
	}
	if c.Stderr == nil {
		c.Stderr = io.Discard
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.Demo {
		c.AllowHTTPMautic = true
	}
}
