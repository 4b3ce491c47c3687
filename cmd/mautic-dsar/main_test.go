package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const (
	goodOperator = "operator-key-for-tests-0123456789abcdef"
	goodMaster   = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		code       int
		stderrLine string // the only stderr line, when set
	}{
		{"no args", nil, nil, 2, ""},
		{"unknown command", []string{"frobnicate"}, nil, 2, ""},
		{"help", []string{"--help"}, nil, 0, ""},
		{"serve help", []string{"serve", "--help"}, nil, 0, ""},
		{"serve bad flag", []string{"serve", "--nope"}, nil, 2, ""},
		{"serve extra arg", []string{"serve", "extra"}, nil, 2, ""},
		{"no operator key", []string{"serve", "--data", dir}, nil, 2,
			"mautic-dsar: MAUTIC_DSAR_OPERATOR_KEY is not set (at least 32 characters) — or use --demo"},
		{"short operator key", []string{"serve", "--data", dir}, map[string]string{"MAUTIC_DSAR_OPERATOR_KEY": "tiny", "MAUTIC_DSAR_MASTER_KEY": goodMaster}, 2,
			"mautic-dsar: MAUTIC_DSAR_OPERATOR_KEY is too short (at least 32 characters)"},
		{"no master key", []string{"serve", "--data", dir}, map[string]string{"MAUTIC_DSAR_OPERATOR_KEY": goodOperator}, 2,
			"mautic-dsar: MAUTIC_DSAR_MASTER_KEY is not set (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) — or use --demo"},
		{"bad master key", []string{"serve", "--data", dir}, map[string]string{"MAUTIC_DSAR_OPERATOR_KEY": goodOperator, "MAUTIC_DSAR_MASTER_KEY": "c2hvcnQ="}, 2, ""},
		{"bad log level", []string{"serve", "--log-level", "loud"}, nil, 2, ""},
		{"emulate bad instances", []string{"emulate", "--instances", "0"}, nil, 2, ""},
		{"emulate bad fault rate", []string{"emulate", "--fault-rate", "2"}, nil, 2, ""},
		{"emulate bad listen", []string{"emulate", "--listen", "256.0.0.1:bad"}, nil, 1, ""},
		{"version", []string{"version"}, nil, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr, env(tc.env))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if tc.stderrLine != "" && stderr.String() != tc.stderrLine+"\n" {
				t.Errorf("stderr %q, want the single line %q", stderr.String(), tc.stderrLine)
			}
			if tc.name == "bad master key" {
				if lines := strings.Count(stderr.String(), "\n"); lines != 1 || !strings.Contains(stderr.String(), "MAUTIC_DSAR_MASTER_KEY") {
					t.Errorf("stderr %q", stderr.String())
				}
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused start left files in the data directory: %v", entries)
	}
}

// buildBinary builds the command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mautic-dsar")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cleanEnv is the environment without the service's secrets.
func cleanEnv(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MAUTIC_DSAR_") && !strings.HasPrefix(kv, "OTEL_") {
			out = append(out, kv)
		}
	}
	return append(append(out, "OTEL_TRACES_EXPORTER=none"), extra...)
}

// waitLine reads r until a line matches re and returns the first group.
func waitLine(t *testing.T, r io.Reader, re *regexp.Regexp) string {
	t.Helper()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, r) }()
			return m[1]
		}
	}
	t.Fatalf("no line matching %s", re)
	return ""
}

func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)

	t.Run("refuses to start without keys", func(t *testing.T) {
		cmd := exec.Command(bin, "serve", "--data", t.TempDir())
		cmd.Env = cleanEnv()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Fatalf("exit %v, want 2", err)
		}
		if n := strings.Count(stderr.String(), "\n"); n != 1 || !strings.Contains(stderr.String(), "MAUTIC_DSAR_OPERATOR_KEY") {
			t.Errorf("stderr %q", stderr.String())
		}
	})

	t.Run("demo serves and drains on SIGTERM", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command(bin, "serve", "--demo", "--data", dir, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")
		cmd.Env = cleanEnv()
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		api := waitLine(t, stdout, regexp.MustCompile(`REST gateway\s+(http://\S+)`))
		resp, err := http.Get(api + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("/healthz %d", resp.StatusCode)
		}
		key, err := os.ReadFile(filepath.Join(dir, "operator.key"))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, api+"/v1/tenants", nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(key)))
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "acme-eu") || !strings.Contains(string(body), "globex-1") {
			t.Errorf("tenants: %d %s", resp.StatusCode, body)
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
			}
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("no exit after SIGTERM")
		}
		if !strings.Contains(stderr.String(), `"msg":"drained"`) {
			t.Errorf("no drain logged: %s", stderr.String())
		}
		http.DefaultClient.CloseIdleConnections()
	})

	t.Run("emulate", func(t *testing.T) {
		cmd := exec.Command(bin, "emulate", "--listen", "127.0.0.1:0", "--instances", "2", "--contacts", "3")
		cmd.Env = cleanEnv()
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := waitLine(t, stdout, regexp.MustCompile(`at (http://[0-9.:]+)/i/`))
		req, _ := http.NewRequest(http.MethodGet, base+"/i/2/api/contacts?limit=1", nil)
		req.SetBasicAuth("api", "emulated-2")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("emulated instance 2: %d", resp.StatusCode)
		}
		_ = cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Errorf("exit after SIGINT: %v", err)
		}
		http.DefaultClient.CloseIdleConnections()
	})
}
