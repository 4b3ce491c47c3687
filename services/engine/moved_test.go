package engine

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestResumedEraseSkipsContactThatNoLongerMatches: the first DELETE fails
// transiently and, meanwhile, the contact's email is changed in Mautic. The
// resumed attempt must see that the contact is no longer an exact match and
// leave it alone, while the request still verifies that the subject is gone.
func TestResumedEraseSkipsContactThatNoLongerMatches(t *testing.T) {
	h := newHarness(t, 1, specs(1, "acme"), fastOptions())
	id := h.inst(1).AddContact(map[string]any{"email": "mover@example.org"})
	var deletes atomic.Int32
	hook := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodDelete || deletes.Add(1) != 1 {
			return false
		}
		edit := httptest.NewRequest(http.MethodPatch, strings.TrimSuffix(r.URL.Path, "/delete")+"/edit",
			strings.NewReader(`{"email":"someone-else@example.org"}`))
		edit.SetBasicAuth("api", mautictest.BasicPassword(1))
		edit.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.fleet.ServeHTTP(rec, edit)
		if rec.Code != http.StatusOK {
			t.Errorf("edit: %d %s", rec.Code, rec.Body)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	h.hook.Store(&hook)
	r := h.waitDone(h.create(operator, erasure("mover@example.org", "t1")).GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Fatalf("state %v: %v", r.GetState(), r.GetTasks())
	}
	if deletes.Load() != 1 {
		t.Fatalf("%d DELETEs sent, want only the failed first one", deletes.Load())
	}
	if !h.inst(1).HasContact(id) || h.inst(1).DeleteCount(id) != 0 {
		t.Fatal("a contact that no longer matched the subject was deleted")
	}
	if got := taskOf(r, "t1").GetVerification(); got != dsarv1.Verification_VERIFICATION_VERIFIED_ABSENT {
		t.Fatalf("verification %v", got)
	}
}
