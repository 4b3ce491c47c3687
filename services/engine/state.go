package engine

import (
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

// TaskTerminal reports whether a task in state s is finished for good
// (until a RetryRequest re-queues a FAILED one).
func TaskTerminal(s dsarv1.TaskState) bool {
	switch s {
	case dsarv1.TaskState_TASK_STATE_SUCCEEDED, dsarv1.TaskState_TASK_STATE_NOT_FOUND,
		dsarv1.TaskState_TASK_STATE_FAILED, dsarv1.TaskState_TASK_STATE_CANCELLED:
		return true
	}
	return false
}

// RequestTerminal reports whether a request in state s is finished.
func RequestTerminal(s dsarv1.RequestState) bool {
	switch s {
	case dsarv1.RequestState_REQUEST_STATE_SUCCEEDED, dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED,
		dsarv1.RequestState_REQUEST_STATE_FAILED, dsarv1.RequestState_REQUEST_STATE_CANCELLED:
		return true
	}
	return false
}

// DeriveState is the request state implied by its tasks' states:
//
//   - any PENDING, RUNNING or RETRYING task: RUNNING, or PENDING when every
//     unfinished task is still PENDING and none has finished;
//   - else any NEEDS_CONFIRMATION: AWAITING_CONFIRMATION;
//   - else (all terminal): all SUCCEEDED or NOT_FOUND: SUCCEEDED; all
//     CANCELLED: CANCELLED; some FAILED and some SUCCEEDED/NOT_FOUND:
//     PARTIALLY_SUCCEEDED; otherwise some CANCELLED: CANCELLED (a cancelled
//     request whose destructive tasks completed); otherwise FAILED.
//
// No tasks at all is PENDING (it does not happen: empty targets are
// refused).
func DeriveState(states []dsarv1.TaskState) dsarv1.RequestState {
	counts := make(map[int32]int32, 4)
	for _, s := range states {
		counts[int32(s)]++
	}
	return deriveFromCounts(counts)
}

func deriveFromCounts(counts map[int32]int32) dsarv1.RequestState {
	n := func(s dsarv1.TaskState) int32 { return counts[int32(s)] }
	var total int32
	for _, c := range counts {
		total += c
	}
	pending := n(dsarv1.TaskState_TASK_STATE_PENDING)
	active := n(dsarv1.TaskState_TASK_STATE_RUNNING) + n(dsarv1.TaskState_TASK_STATE_RETRYING)
	ok := n(dsarv1.TaskState_TASK_STATE_SUCCEEDED) + n(dsarv1.TaskState_TASK_STATE_NOT_FOUND)
	failed := n(dsarv1.TaskState_TASK_STATE_FAILED)
	cancelled := n(dsarv1.TaskState_TASK_STATE_CANCELLED)
	switch {
	case total == 0 || pending == total:
		return dsarv1.RequestState_REQUEST_STATE_PENDING
	case pending+active > 0:
		return dsarv1.RequestState_REQUEST_STATE_RUNNING
	case n(dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION) > 0:
		return dsarv1.RequestState_REQUEST_STATE_AWAITING_CONFIRMATION
	case ok == total:
		return dsarv1.RequestState_REQUEST_STATE_SUCCEEDED
	case cancelled == total:
		return dsarv1.RequestState_REQUEST_STATE_CANCELLED
	case failed > 0 && ok > 0:
		return dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED
	case cancelled > 0:
		return dsarv1.RequestState_REQUEST_STATE_CANCELLED
	default:
		return dsarv1.RequestState_REQUEST_STATE_FAILED
	}
}
