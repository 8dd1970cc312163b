// Command switchboard is the Switchboard hosted-PBX control plane.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/switchboard-pbx/switchboard/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
