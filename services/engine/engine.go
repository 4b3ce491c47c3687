package engine

import (
	"errors"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

const instrumentation = "github.com/mautic-dsar/mautic-dsar/services/engine"

// Engine stores data-subject requests and executes their tasks. It is safe
// for concurrent use; Run executes the work.
type Engine struct {
	store    *tenants.Store
	client   *mautic.Client
	audit    Auditor
	o        Options
	sched    *scheduler
	hub      *hub
	commit   *committer
	breakers *breakers
	tracer   trace.Tracer
	running  atomic.Bool
}

// New builds an engine over store (which must hold the engine's buckets),
// calling Mautic through client and recording audit events through a.
// Nothing runs until Run is called; requests created before that are
// executed once it is.
func New(store *tenants.Store, client *mautic.Client, a Auditor, o Options) (*Engine, error) {
	if store == nil || client == nil || a == nil {
		return nil, errors.New("engine: store, client and auditor are required")
	}
	o = o.withDefaults()
	return &Engine{
		store:    store,
		client:   client,
		audit:    a,
		o:        o,
		sched:    newScheduler(),
		hub:      newHub(),
		commit:   &committer{store: store},
		breakers: newBreakers(o.BreakerThreshold, o.BreakerCooldown),
		tracer:   o.TracerProvider.Tracer(instrumentation),
	}, nil
}
