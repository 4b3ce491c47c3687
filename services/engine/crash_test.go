package engine

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Environment of the helper process.
const (
	envHelperDir = "ENGINE_HELPER_DIR"
	envHelperKey = "ENGINE_HELPER_KEY"
)

// TestHelperProcess is not a test: TestKill9Resume re-executes the test
// binary with it to run the engine in a process it can SIGKILL.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(envHelperDir)
	if dir == "" {
		t.Skip("helper process only")
	}
	key, err := hex.DecodeString(os.Getenv(envHelperKey))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := tenants.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tenants.Open(context.Background(), dir, sealer, tenants.WithOpenTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	o := fastOptions()
	o.Concurrency = 4
	e, err := New(st, mautic.NewClient(), &memAuditor{}, o)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("helper: running")
	_ = e.Run(context.Background()) // until SIGKILL
}

// TestKill9Resume runs an erasure over 40 tenants in a subprocess, SIGKILLs
// it twice mid-run, and finishes in-process on the same data directory:
// every contact is deleted exactly once and the request SUCCEEDED.
func TestKill9Resume(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	const n = 40
	o := fastOptions()
	o.Concurrency = -1
	h := newHarness(t, n, specs(n, "acme"), o)
	ids := make([]int64, n+1)
	tenantIDs := make([]string, n)
	for i := 1; i <= n; i++ {
		ids[i] = h.inst(i).AddContact(map[string]any{"email": "crash@example.org"})
		h.inst(i).SetFaults(mautictest.Faults{Latency: 10 * time.Millisecond})
		tenantIDs[i-1] = "t" + strconv.Itoa(i)
	}
	id := h.create(operator, erasure("crash@example.org", tenantIDs...)).GetRequestId()
	h.stop() // release the bbolt file for the helper

	deletes := func() int {
		total := 0
		for i := 1; i <= n; i++ {
			total += h.inst(i).DeleteCount(ids[i])
		}
		return total
	}
	for _, killAt := range []int{8, 20} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), envHelperDir+"="+h.dir, envHelperKey+"="+hex.EncodeToString(h.key))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for deletes() < killAt && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if d := deletes(); d < killAt || d >= n {
			t.Fatalf("killed after %d deletes, wanted mid-run (>= %d, < %d)", d, killAt, n)
		}
	}
	h.openStore()
	h.start(fastOptions())
	r := h.waitDone(id)
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Fatalf("after restart: %v %v", r.GetState(), r.GetTasks())
	}
	for i := 1; i <= n; i++ {
		if c := h.inst(i).DeleteCount(ids[i]); c != 1 || h.inst(i).HasContact(ids[i]) {
			t.Errorf("instance %d: %d deletes, present=%v", i, c, h.inst(i).HasContact(ids[i]))
		}
		if v := taskOf(r, "t"+strconv.Itoa(i)).GetVerification(); v != dsarv1.Verification_VERIFICATION_VERIFIED_ABSENT {
			t.Errorf("t%d verification %v", i, v)
		}
	}
}
