package mautictest

import (
	"net/http"
	"strconv"
)

const mauticVersion = "5.1.0"

// writeController writes a FOSRest controller answer (with Mautic-Version).
func writeController(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Mautic-Version", mauticVersion)
	h.Set("Cache-Control", "no-cache, private")
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeGate writes an ApiSubscriber / exception-controller answer: no
// Mautic-Version header.
func writeGate(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache, private")
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// controllerError is {"errors":[{"code":N,"message":M,"details":[]}]}.
func controllerError(status int, msg string, details []string) []byte {
	w := &jw{}
	w.obj().key("errors").arr().obj().key("code").int(int64(status)).kv("message", msg).key("details").arr()
	for _, d := range details {
		w.str(d)
	}
	w.end().end().end().end()
	return w.b
}

// gateError is the ApiSubscriber shape {"message","code","type"}.
func gateError(status int, msg, typ string) []byte {
	w := &jw{hex: true}
	w.obj().key("errors").arr().obj().kv("message", msg).key("code").int(int64(status)).kv("type", typ).end().end().end()
	return w.b
}

func writeNotFound(w http.ResponseWriter) {
	writeController(w, http.StatusNotFound, controllerError(http.StatusNotFound, "Item was not found.", nil))
}

// writeRouteNotFound is the exception controller's 404 for an unrouted path.
func writeRouteNotFound(w http.ResponseWriter, path string) {
	j := &jw{hex: true}
	j.obj().key("errors").arr().obj().kv("message", "Requested URL not found: "+path).
		key("code").int(404).key("type").null().end().end().end()
	writeGate(w, http.StatusNotFound, j.b)
}

// writeException is the exception controller's generic error.
func writeException(w http.ResponseWriter, status int) {
	j := &jw{hex: true}
	j.obj().key("errors").arr().obj().
		kv("message", "Looks like I encountered an error (error #"+strconv.Itoa(status)+"). If I do it again, please report me to the system administrator!").
		key("code").int(int64(status)).key("type").null().end().end().end()
	writeGate(w, status, j.b)
}
