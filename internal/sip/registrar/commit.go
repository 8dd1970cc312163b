package registrar

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
)

// maxBatch bounds the REGISTERs committed in one transaction.
const maxBatch = 256

// commitTimeout bounds one batch's transaction.
const commitTimeout = 10 * time.Second

// committer commits the binding updates of concurrent REGISTERs together
// (group commit): while one batch's transaction runs, the updates that
// arrive wait, and the next transaction takes them all. Each REGISTER is
// answered after the transaction holding its update has committed, so a
// 200 OK still means the binding is in the database, where every node
// sees it and a restart keeps it. Under light load a batch holds one
// update and costs what UpdateBindings did; under heavy load the commits
// and statements are shared.
type committer struct {
	st  *store.Store
	now func() time.Time
	log *slog.Logger

	mu      sync.Mutex
	queue   []*pending
	running bool // a goroutine is committing batches
}

// pending is one update waiting for its batch; err is its outcome, set
// before done is closed.
type pending struct {
	up   store.BindingUpdate
	err  error
	done chan struct{}
}

// commit queues up and waits until its batch has committed (or failed).
func (c *committer) commit(ctx context.Context, up store.BindingUpdate) error {
	p := &pending{up: up, done: make(chan struct{})}
	c.mu.Lock()
	c.queue = append(c.queue, p)
	if !c.running {
		c.running = true
		go c.drain()
	}
	c.mu.Unlock()
	<-p.done // the batch is bounded by commitTimeout, ctx or not
	return p.err
}

// drain commits batches until the queue is empty, then ends: no
// goroutine lingers on an idle registrar.
func (c *committer) drain() {
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		n := min(len(c.queue), maxBatch)
		batch := c.queue[:n:n]
		c.queue = c.queue[n:]
		if len(c.queue) == 0 {
			c.queue = nil // let the backing array go
		}
		c.mu.Unlock()
		c.run(batch)
	}
}

// run commits one batch. When its transaction fails as a whole (say a
// deadlock or a lost connection), each update is tried again on its own,
// so one bad update or a passing failure does not fail its neighbours.
func (c *committer) run(batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	ups := make([]store.BindingUpdate, len(batch))
	for i, p := range batch {
		ups[i] = p.up
	}
	errs, err := c.st.UpdateBindingsBatch(ctx, c.now(), ups)
	if err != nil {
		c.log.Warn("sip bindings batch failed, applying one by one", "size", len(batch), "error", err)
		for i, p := range batch {
			errs[i] = c.st.UpdateBindings(ctx, p.up.TenantID, p.up.UserID, c.now(), p.up.Apply)
		}
	}
	for i, p := range batch {
		p.err = errs[i]
		close(p.done)
	}
}
