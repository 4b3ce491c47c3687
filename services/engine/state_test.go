package engine

import (
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

func TestDeriveState(t *testing.T) {
	const (
		P  = dsarv1.TaskState_TASK_STATE_PENDING
		R  = dsarv1.TaskState_TASK_STATE_RUNNING
		RT = dsarv1.TaskState_TASK_STATE_RETRYING
		S  = dsarv1.TaskState_TASK_STATE_SUCCEEDED
		NF = dsarv1.TaskState_TASK_STATE_NOT_FOUND
		NC = dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION
		F  = dsarv1.TaskState_TASK_STATE_FAILED
		C  = dsarv1.TaskState_TASK_STATE_CANCELLED
	)
	tests := []struct {
		name  string
		tasks []dsarv1.TaskState
		want  dsarv1.RequestState
	}{
		{"none", nil, dsarv1.RequestState_REQUEST_STATE_PENDING},
		{"all pending", []dsarv1.TaskState{P, P}, dsarv1.RequestState_REQUEST_STATE_PENDING},
		{"one running", []dsarv1.TaskState{P, R}, dsarv1.RequestState_REQUEST_STATE_RUNNING},
		{"retrying", []dsarv1.TaskState{RT, S}, dsarv1.RequestState_REQUEST_STATE_RUNNING},
		{"pending after a finished one", []dsarv1.TaskState{P, S}, dsarv1.RequestState_REQUEST_STATE_RUNNING},
		{"running beats confirmation", []dsarv1.TaskState{R, NC}, dsarv1.RequestState_REQUEST_STATE_RUNNING},
		{"pending and confirmation", []dsarv1.TaskState{P, NC}, dsarv1.RequestState_REQUEST_STATE_RUNNING},
		{"awaiting confirmation", []dsarv1.TaskState{NC, S, F}, dsarv1.RequestState_REQUEST_STATE_AWAITING_CONFIRMATION},
		{"all succeeded", []dsarv1.TaskState{S, S}, dsarv1.RequestState_REQUEST_STATE_SUCCEEDED},
		{"succeeded and not found", []dsarv1.TaskState{S, NF}, dsarv1.RequestState_REQUEST_STATE_SUCCEEDED},
		{"all not found", []dsarv1.TaskState{NF}, dsarv1.RequestState_REQUEST_STATE_SUCCEEDED},
		{"all cancelled", []dsarv1.TaskState{C, C}, dsarv1.RequestState_REQUEST_STATE_CANCELLED},
		{"partial", []dsarv1.TaskState{S, F}, dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED},
		{"partial with not found", []dsarv1.TaskState{NF, F}, dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED},
		{"partial despite cancel", []dsarv1.TaskState{S, F, C}, dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED},
		{"all failed", []dsarv1.TaskState{F, F}, dsarv1.RequestState_REQUEST_STATE_FAILED},
		{"cancelled after destructive success", []dsarv1.TaskState{C, S}, dsarv1.RequestState_REQUEST_STATE_CANCELLED},
		{"cancelled and failed", []dsarv1.TaskState{C, F}, dsarv1.RequestState_REQUEST_STATE_CANCELLED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DeriveState(tt.tasks); got != tt.want {
				t.Errorf("DeriveState(%v) = %v, want %v", tt.tasks, got, tt.want)
			}
		})
	}
}

func TestDueTime(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct{ in, want string }{
		{"2025-01-15 10:00", "2025-02-17"}, // Feb 15 2025 is a Saturday
		{"2025-03-10 08:00", "2025-04-10"}, // Thursday
		{"2025-01-31 12:00", "2025-02-28"}, // no Feb 31: last day (Friday)
		{"2024-01-31 12:00", "2024-02-29"}, // leap year (Thursday)
		{"2025-03-31 09:00", "2025-04-30"}, // no Apr 31 (Wednesday)
		{"2025-12-15 09:00", "2026-01-15"}, // year wrap (Thursday)
		{"2025-05-31 23:00", "2025-06-30"}, // Monday
		{"2025-07-06 09:00", "2025-08-06"}, // Wednesday
		{"2025-08-31 09:00", "2025-09-30"}, // Tuesday
		{"2025-10-16 09:00", "2025-11-17"}, // Nov 16 is a Sunday
	}
	for _, tt := range tests {
		got := DueTime(day(tt.in))
		if got.Format("2006-01-02") != tt.want || got.Hour() != 23 {
			t.Errorf("DueTime(%s) = %s, want %s 23:59:59", tt.in, got, tt.want)
		}
		if wd := got.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("DueTime(%s) falls on %s", tt.in, wd)
		}
	}
}

func TestBackoff(t *testing.T) {
	base, maxW := 100*time.Millisecond, 2*time.Second
	for attempt := 1; attempt <= 12; attempt++ {
		ceil := base << (attempt - 1)
		if ceil > maxW || ceil <= 0 {
			ceil = maxW
		}
		for _, j := range []float64{0, 0.5, 0.999} {
			d := backoff(attempt, base, maxW, 0, func() float64 { return j })
			if d < 0 || d >= ceil+1 {
				t.Errorf("attempt %d jitter %v: %v outside [0,%v)", attempt, j, d, ceil)
			}
		}
	}
	// Retry-After is honoured exactly: never less, no jitter below it.
	for _, j := range []float64{0, 0.3, 0.999} {
		if d := backoff(3, base, maxW, 7*time.Second, func() float64 { return j }); d != 7*time.Second {
			t.Errorf("Retry-After 7s gave %v", d)
		}
	}
}

func TestRequestIDs(t *testing.T) {
	a := newRequestID(time.Unix(1000, 5))
	b := newRequestID(time.Unix(1000, 6))
	c := newRequestID(time.Unix(2000, 0))
	if !(a < b && b < c) {
		t.Errorf("ids not ordered by time: %s %s %s", a, b, c)
	}
	for _, id := range []string{a, b, c} {
		if !validRequestID(id) {
			t.Errorf("%s not valid", id)
		}
	}
	for _, bad := range []string{"", "x", "r../../etc", a + "0", "R" + a[1:]} {
		if validRequestID(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
