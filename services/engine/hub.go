package engine

import "sync"

// hub notifies watchers of a request after each committed change. A
// notification is a wake-up only (the watcher re-reads the request), so a
// slow watcher never blocks a worker: its buffered channel coalesces
// notifications.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

func newHub() *hub { return &hub{subs: make(map[string]map[chan struct{}]struct{})} }

// subscribe returns a channel that receives after every change of
// requestID, and the function that ends the subscription.
func (h *hub) subscribe(requestID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	m := h.subs[requestID]
	if m == nil {
		m = make(map[chan struct{}]struct{})
		h.subs[requestID] = m
	}
	m[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(m, ch)
		if len(m) == 0 && h.subs[requestID] != nil && len(h.subs[requestID]) == 0 {
			delete(h.subs, requestID)
		}
		h.mu.Unlock()
	}
}

// publish wakes every watcher of requestID.
func (h *hub) publish(requestID string) {
	h.mu.Lock()
	for ch := range h.subs[requestID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	h.mu.Unlock()
}

// watchers counts the subscriptions of requestID (for tests).
func (h *hub) watchers(requestID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[requestID])
}
