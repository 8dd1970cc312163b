//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // the profiles of a benchmark build (bench/calls.sh --profile)
	"os"
)

// A binary built with -tags pprof serves Go's profiles on
// SWITCHBOARD_PPROF (an address such as 127.0.0.1:6060), for the
// benchmarks' CPU profiles; release builds have no such listener.
func init() {
	if addr := os.Getenv("SWITCHBOARD_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
