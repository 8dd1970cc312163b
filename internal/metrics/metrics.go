// Package metrics keeps Switchboard's request counters and latency
// histograms and writes them in the Prometheus text format.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// refusals counts the calls the call policy refused in this process, by
// class (the dialled number's, or "leg" for a forward, Follow Me or
// unavailability number skipped when the call was placed). The classes
// are a fixed set, so the series are bounded.
var refusals sync.Map // class -> *atomic.Uint64

// CallRefused counts one call (or leg) the call policy refused.
func CallRefused(class string) {
	v, _ := refusals.LoadOrStore(class, new(atomic.Uint64))
	v.(*atomic.Uint64).Add(1)
}

// writeRefusals writes the refusal counters.
func writeRefusals(w io.Writer) {
	var classes []string
	refusals.Range(func(k, _ any) bool { classes = append(classes, k.(string)); return true })
	sort.Strings(classes)
	fmt.Fprintln(w, "# HELP switchboard_sip_calls_refused_total Calls and legs the call policy refused, by class.")
	fmt.Fprintln(w, "# TYPE switchboard_sip_calls_refused_total counter")
	for _, c := range classes {
		v, _ := refusals.Load(c)
		fmt.Fprintf(w, "switchboard_sip_calls_refused_total{class=%q} %d\n", c, v.(*atomic.Uint64).Load())
	}
}

// buckets are the latency histogram's upper bounds in seconds.
var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type key struct {
	method, route string
	code          int
}

type series struct {
	count  uint64
	sum    float64
	bucket []uint64
}

// Registry holds the HTTP metrics of one process.
type Registry struct {
	mu      sync.Mutex
	series  map[key]*series
	started time.Time
}

// New returns an empty Registry.
func New() *Registry {
	return &Registry{series: map[key]*series{}, started: time.Now()}
}

// Observe records one finished request.
func (r *Registry) Observe(method, route string, code int, d time.Duration) {
	k := key{method, route, code}
	secs := d.Seconds()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.series[k]
	if s == nil {
		s = &series{bucket: make([]uint64, len(buckets))}
		r.series[k] = s
	}
	s.count++
	s.sum += secs
	for i, b := range buckets {
		if secs <= b {
			s.bucket[i]++
		}
	}
}

// StatusWriter remembers the status a handler wrote (200 when it wrote a
// body without a header; 0 when it wrote nothing).
type StatusWriter struct {
	http.ResponseWriter
	code int
}

// Status returns the status written so far.
func (w *StatusWriter) Status() int { return w.code }

// WriteHeader implements http.ResponseWriter.
func (w *StatusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Instrument wraps next so every request is counted under its route
// pattern (never the raw path, which would hold ids).
func (r *Registry) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		sw := &StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, req)
		route := req.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		r.Observe(req.Method, route, sw.code, time.Since(start))
	})
}

// ServeHTTP writes the metrics in the Prometheus text format.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	r.Write(w)
}

// Write writes the metrics in the Prometheus text format.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	keys := make([]key, 0, len(r.series))
	for k := range r.series {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	fmt.Fprintln(w, "# HELP switchboard_http_requests_total HTTP requests served, by method, route and status code.")
	fmt.Fprintln(w, "# TYPE switchboard_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "switchboard_http_requests_total{%s} %d\n", labels(k), r.series[k].count)
	}
	fmt.Fprintln(w, "# HELP switchboard_http_request_duration_seconds HTTP request latency.")
	fmt.Fprintln(w, "# TYPE switchboard_http_request_duration_seconds histogram")
	for _, k := range keys {
		s := r.series[k]
		for i, b := range buckets {
			fmt.Fprintf(w, "switchboard_http_request_duration_seconds_bucket{%s,le=%q} %d\n", labels(k), strconv.FormatFloat(b, 'g', -1, 64), s.bucket[i])
		}
		fmt.Fprintf(w, "switchboard_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels(k), s.count)
		fmt.Fprintf(w, "switchboard_http_request_duration_seconds_sum{%s} %g\n", labels(k), s.sum)
		fmt.Fprintf(w, "switchboard_http_request_duration_seconds_count{%s} %d\n", labels(k), s.count)
	}
	started := r.started
	r.mu.Unlock()

	writeRefusals(w)
	writeTripped(w)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintln(w, "# HELP switchboard_goroutines Goroutines in this process.")
	fmt.Fprintln(w, "# TYPE switchboard_goroutines gauge")
	fmt.Fprintf(w, "switchboard_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintln(w, "# HELP switchboard_heap_bytes Bytes of allocated heap objects.")
	fmt.Fprintln(w, "# TYPE switchboard_heap_bytes gauge")
	fmt.Fprintf(w, "switchboard_heap_bytes %d\n", ms.HeapAlloc)
	fmt.Fprintln(w, "# HELP switchboard_uptime_seconds Seconds since the process started serving.")
	fmt.Fprintln(w, "# TYPE switchboard_uptime_seconds gauge")
	fmt.Fprintf(w, "switchboard_uptime_seconds %g\n", time.Since(started).Seconds())
}

func labels(k key) string {
	return fmt.Sprintf("method=%q,route=%q,code=\"%d\"", k.method, k.route, k.code)
}

// tripped counts the calls and legs the fraud limits refused in this
// process, by limit (a fixed set).
var tripped sync.Map // limit -> *atomic.Uint64

// FraudLimitTripped counts one call (or leg) a fraud limit refused.
func FraudLimitTripped(limit string) {
	v, _ := tripped.LoadOrStore(limit, new(atomic.Uint64))
	v.(*atomic.Uint64).Add(1)
}

// writeTripped writes the fraud limit counters.
func writeTripped(w io.Writer) {
	var limits []string
	tripped.Range(func(k, _ any) bool { limits = append(limits, k.(string)); return true })
	sort.Strings(limits)
	fmt.Fprintln(w, "# HELP switchboard_sip_fraud_limits_tripped_total Calls and legs refused by a fraud limit, by limit.")
	fmt.Fprintln(w, "# TYPE switchboard_sip_fraud_limits_tripped_total counter")
	for _, l := range limits {
		v, _ := tripped.Load(l)
		fmt.Fprintf(w, "switchboard_sip_fraud_limits_tripped_total{limit=%q} %d\n", l, v.(*atomic.Uint64).Load())
	}
}
