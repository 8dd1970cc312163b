package bench

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchGetRatio measures the HTTP and the store point reads in turns
// (rounds of a slice each, alternating), so that both see the same load
// on a shared machine, and reports their rates and the ratio HTTP/store:
// the figure the separate GetUser/http and GetUser/store runs give only
// when the load stays the same between them. It also reports the
// process's CPU time per read of each (user and system, client and
// server together for HTTP), which other processes' load barely moves,
// and the ratio of those. Each b.N is one pair of slices;
// SWITCHBOARD_BENCH_RATIO_SLICE sets a slice (default 500ms).
func benchGetRatio(b *testing.B, n *node) {
	slice := 500 * time.Millisecond
	if v := os.Getenv("SWITCHBOARD_BENCH_RATIO_SLICE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("SWITCHBOARD_BENCH_RATIO_SLICE: %v", err)
		}
		slice = d
	}
	ctx := context.Background()
	httpRead := func(rng *rand.Rand) error {
		id := n.ids[rng.IntN(len(n.ids))]
		code, _, err := call(n.client, "GET", n.base+"/api/users/"+id, n.token, nil)
		if err == nil && code != 200 {
			err = errStatus(code)
		}
		return err
	}
	storeRead := func(rng *rand.Rand) error {
		_, err := n.store.GetUser(ctx, n.tenant, n.ids[rng.IntN(len(n.ids))])
		return err
	}
	var httpOps, storeOps int64
	var httpTime, storeTime, httpCPU, storeCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cpu := cpuTime()
		ops, took := readFor(b, slice, httpRead)
		httpOps, httpTime, httpCPU = httpOps+ops, httpTime+took, httpCPU+cpuTime()-cpu
		cpu = cpuTime()
		ops, took = readFor(b, slice, storeRead)
		storeOps, storeTime, storeCPU = storeOps+ops, storeTime+took, storeCPU+cpuTime()-cpu
	}
	b.StopTimer()
	httpRate := float64(httpOps) / httpTime.Seconds()
	storeRate := float64(storeOps) / storeTime.Seconds()
	b.ReportMetric(httpRate, "http-req/s")
	b.ReportMetric(storeRate, "store-req/s")
	b.ReportMetric(httpRate/storeRate, "ratio")
	httpPer := float64(httpCPU.Microseconds()) / float64(httpOps)
	storePer := float64(storeCPU.Microseconds()) / float64(storeOps)
	b.ReportMetric(httpPer, "http-cpu-µs/op")
	b.ReportMetric(storePer, "store-cpu-µs/op")
	b.ReportMetric(storePer/httpPer, "cpu-ratio")
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type errStatus int

func (e errStatus) Error() string { return "status " + strconv.Itoa(int(e)) }

// readFor runs read from parallelism goroutines per CPU (as the separate
// benchmarks do) for d and returns how many reads completed and the time
// they took.
func readFor(b *testing.B, d time.Duration, read func(*rand.Rand) error) (int64, time.Duration) {
	var ops atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for g := range parallelism * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), uint64(start.UnixNano())))
			for time.Now().Before(deadline) {
				if err := read(rng); err != nil {
					b.Errorf("read: %v", err)
					return
				}
				ops.Add(1)
			}
		}()
	}
	wg.Wait()
	return ops.Load(), time.Since(start)
}
