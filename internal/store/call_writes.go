package store

import (
	"context"
	"hash/fnv"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// maxCallBatch bounds the writes committed in one transaction.
const maxCallBatch = 256

// callCommitTimeout bounds one batch's transaction.
const callCommitTimeout = 30 * time.Second

// CallWrites writes what the SIP proxy records of calls — users' call
// legs, calls in progress, call records — with group commit: while one
// batch's transaction runs, the writes that arrive queue up and go
// together in the next one. Each write returns once its batch has
// committed, so it is as durable and as visible to other nodes as a
// write of its own, and nothing is left behind when the node stops. The
// writes of one call keep their order (they go to one queue, chosen by
// call id). Under light load a batch holds one write.
type CallWrites struct {
	st     *Store
	log    *slog.Logger
	queues []*callQueue
}

type callQueue struct {
	mu      sync.Mutex
	queue   []*callWrite
	running bool // a goroutine is committing batches
}

// callWrite is one write waiting for its batch; tenant is set for a
// call record (those go last in a batch, by tenant: see run).
type callWrite struct {
	fn     func(ctx context.Context, c conn) error
	tenant string
	err    error
	done   chan struct{}
}

// NewCallWrites makes a CallWrites: one queue on SQLite (one writer at a
// time anyway), four on PostgreSQL.
func (s *Store) NewCallWrites(log *slog.Logger) *CallWrites {
	n := 1
	if s.dialect == DialectPostgres {
		n = 4
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &CallWrites{st: s, log: log, queues: make([]*callQueue, n)}
	for i := range w.queues {
		w.queues[i] = &callQueue{}
	}
	return w
}

// SetCallLeg is Store.SetCallLeg in a batch.
func (w *CallWrites) SetCallLeg(ctx context.Context, l CallLeg) error {
	return w.do(ctx, l.CallID, "", func(ctx context.Context, c conn) error { return setCallLeg(ctx, c, l) })
}

// ConfirmCall is Store.ConfirmCall in a batch.
func (w *CallWrites) ConfirmCall(ctx context.Context, callID string) error {
	return w.do(ctx, callID, "", func(ctx context.Context, c conn) error { return confirmCall(ctx, c, callID) })
}

// EndCall is Store.EndCall in a batch.
func (w *CallWrites) EndCall(ctx context.Context, callID string) error {
	return w.do(ctx, callID, "", func(ctx context.Context, c conn) error { return endCall(ctx, c, callID) })
}

// EndCallLeg is Store.EndCallLeg in a batch.
func (w *CallWrites) EndCallLeg(ctx context.Context, tenantID, userID, callID string) error {
	return w.do(ctx, callID, "", func(ctx context.Context, c conn) error { return endCallLeg(ctx, c, tenantID, userID, callID) })
}

// AddActiveCall is Store.AddActiveCall in a batch.
func (w *CallWrites) AddActiveCall(ctx context.Context, callID string, userIDs []string, at time.Time) error {
	return w.do(ctx, callID, "", func(ctx context.Context, c conn) error { return addActiveCall(ctx, c, callID, userIDs, at) })
}

// RemoveActiveCall is Store.RemoveActiveCall in a batch.
func (w *CallWrites) RemoveActiveCall(ctx context.Context, callID string) error {
	return w.do(ctx, callID, "", func(ctx context.Context, c conn) error { return removeActiveCall(ctx, c, callID) })
}

// CreateCDRs is Store.CreateCDRs in a batch: the records of one call, all
// of the same tenant, all or none.
func (w *CallWrites) CreateCDRs(ctx context.Context, cdrs []model.CDR) error {
	if len(cdrs) == 0 {
		return nil
	}
	return w.do(ctx, cdrs[0].CallID, cdrs[0].TenantID, func(ctx context.Context, c conn) error { return createCDRs(ctx, c, cdrs) })
}

// do queues fn on the queue of callID and waits until its batch has
// committed (or failed: then fn's own error, from a transaction of its
// own). ctx is not used to cancel: a queued write always runs.
func (w *CallWrites) do(_ context.Context, callID, tenant string, fn func(ctx context.Context, c conn) error) error {
	h := fnv.New32a()
	_, _ = h.Write([]byte(callID))
	q := w.queues[int(h.Sum32()%uint32(len(w.queues)))]
	p := &callWrite{fn: fn, tenant: tenant, done: make(chan struct{})}
	q.mu.Lock()
	q.queue = append(q.queue, p)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go w.drain(q)
	}
	<-p.done // bounded by callCommitTimeout
	return p.err
}

// drain commits batches until the queue is empty, then ends.
func (w *CallWrites) drain(q *callQueue) {
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		n := min(len(q.queue), maxCallBatch)
		batch := q.queue[:n:n]
		q.queue = q.queue[n:]
		q.mu.Unlock()
		w.run(batch)
	}
}

// run commits one batch in one transaction. The call records go last,
// ordered by tenant: each takes its tenant's change-log lock on
// PostgreSQL until the commit, so the batches of several queues (or
// nodes) take those locks in one order and hold them briefly. When the
// transaction fails as a whole, each write is tried in a transaction of
// its own, so one bad write fails alone.
func (w *CallWrites) run(batch []*callWrite) {
	ordered := make([]*callWrite, len(batch))
	copy(ordered, batch)
	sort.SliceStable(ordered, func(i, j int) bool {
		a, b := ordered[i], ordered[j]
		return a.tenant == "" && b.tenant != "" || a.tenant != "" && b.tenant != "" && a.tenant < b.tenant
	})
	ctx, cancel := context.WithTimeout(context.Background(), callCommitTimeout)
	defer cancel()
	err := w.st.inTx(ctx, func(c conn) error {
		for _, p := range ordered {
			if err := p.fn(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		w.log.Debug("call writes batch failed, applying one by one", "size", len(batch), "error", err)
		for _, p := range batch {
			p.err = w.st.inTx(ctx, func(c conn) error { return p.fn(ctx, c) })
		}
	} else {
		for _, p := range batch {
			p.err = err
		}
	}
	for _, p := range batch {
		close(p.done)
	}
}
