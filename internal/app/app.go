// Package app wires Switchboard's parts together and runs them under one
// lifecycle: open and migrate the store, bootstrap the system tenant,
// serve HTTP until the context ends, then shut down gracefully.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/switchboard-pbx/switchboard/internal/api"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/mail"
	"github.com/switchboard-pbx/switchboard/internal/media"
	"github.com/switchboard-pbx/switchboard/internal/metrics"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/portal"
	sipserver "github.com/switchboard-pbx/switchboard/internal/sip/server"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Version is the build's version, set with -ldflags at release time.
var Version = "dev"

// ShutdownTimeout bounds the graceful shutdown.
const ShutdownTimeout = 10 * time.Second

// Options are knobs that tests and benchmarks turn; production uses the
// zero value.
type Options struct {
	// HashParams overrides the argon2id cost (tests use auth.FastParams).
	HashParams *auth.Params
	// Out receives the one-time generated admin password.
	Out io.Writer
	// Clock replaces time.Now for token lifetimes (tests expire tokens).
	Clock func() time.Time
}

// App is a started Switchboard node.
type App struct {
	cfg      *config.Config
	log      *slog.Logger
	store    *store.Store
	server   *api.Server
	listener net.Listener
	sip      *sipserver.Server
	dir      *directory.Service
	media    *media.Engine
}

// Start opens the store, migrates it (unless told not to), bootstraps the
// system tenant and binds the HTTP port. Every failure is returned with a
// message that names what is wrong.
func Start(ctx context.Context, cfg *config.Config, log *slog.Logger, opt Options) (*App, error) {
	st, err := store.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = st.Close()
		}
	}()
	if cfg.NoMigrate {
		if err := st.CheckSchema(ctx); err != nil {
			return nil, fmt.Errorf("%w (run `switchboard migrate` first)", err)
		}
	} else if err := st.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if dups, err := st.EmailDuplicates(ctx); err == nil && len(dups) > 0 {
		log.Warn("emails used by several users of one tenant; `switchboard migrate` lists them", "count", len(dups))
	}
	params := auth.DefaultParams
	if opt.HashParams != nil {
		params = *opt.HashParams
	}
	hasher := auth.NewHasher(params, 2)
	dcfg, err := directoryConfig(cfg, st, opt)
	if err != nil {
		return nil, err
	}
	dir := directory.New(st, hasher, log, dcfg)
	if err := bootstrap(ctx, st, dir, cfg.AdminPassword, log, opt.Out); err != nil {
		return nil, err
	}
	srv := api.New(api.Deps{Directory: dir, DB: st, Log: log, Metrics: metrics.New(), Version: Version})
	web, err := portal.New(dir, log)
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	srv.Mount(web)
	rcfg, err := sipConfig(cfg, st, dir, log, opt.Clock)
	if err != nil {
		return nil, err
	}
	eng, err := startMedia(cfg, dir, log, opt.Clock)
	if err != nil {
		return nil, err
	}
	rcfg.Media = eng.ProxyHandoff()
	httpTLS, err := httpTLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	if err := dir.FollowChanges(ctx); err != nil { // the proxy's reads are cached from here on
		return nil, fmt.Errorf("follow changes: %w", err)
	}
	reg, err := sipserver.Listen(ctx, rcfg)
	if err != nil {
		return nil, err
	}
	dir.SetSIPTransports(sipTransports(reg.Addr(), reg.TLSAddr()))
	httpLn, err := listenHTTP(cfg, httpTLS)
	if err != nil {
		reg.Close()
		return nil, err
	}
	dir.SetProvisioning(provisioningConfig(cfg, httpLn.Addr().String(), reg.Addr(), reg.TLSAddr()))
	ok = true
	return &App{cfg: cfg, log: log, store: st, server: srv, listener: httpLn, dir: dir, sip: reg, media: eng}, nil
}

// HTTPAddr is the address the API listens on (useful with port 0).
func (a *App) HTTPAddr() string { return a.listener.Addr().String() }

// SIPAddr is the address the registrar listens on, UDP and TCP.
func (a *App) SIPAddr() string { return a.sip.Addr() }

// SIP is the node's SIP server.
func (a *App) SIP() *sipserver.Server { return a.sip }

// SIPTLSAddr is the registrar's TLS address ("" without TLS).
func (a *App) SIPTLSAddr() string { return a.sip.TLSAddr() }

// Directory returns the node's directory service (for the CLI and tests).
func (a *App) Directory() *directory.Service { return a.dir }

// Store returns the node's store (for the CLI and tests).
func (a *App) Store() *store.Store { return a.store }

// Serve runs until ctx ends, then shuts down within ShutdownTimeout and
// closes the store.
func (a *App) Serve(ctx context.Context) error {
	defer a.store.Close()
	defer func() {
		// Imports under way roll back and are recorded as failed before
		// the store closes.
		sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		a.dir.StopImports(sctx)
	}()
	hs := &http.Server{
		Handler:           a.cfg.Net.Proxies.Handler(a.server.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("switchboard serving", "http", a.HTTPAddr(), "sip", a.SIPAddr(), "sip_tls", a.SIPTLSAddr(), "db", a.store.Dialect(), "version", Version)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := hs.Serve(a.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		a.log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		return hs.Shutdown(sctx)
	})
	g.Go(func() error { return a.sweepSessions(gctx) })
	g.Go(func() error { return a.sip.Serve(gctx) })
	g.Go(func() error { return a.media.Serve(gctx) })
	return g.Wait()
}

// sweepSessions removes expired sessions every few minutes.
func (a *App) sweepSessions(ctx context.Context) error {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if n, err := a.store.PurgeExpiredSessions(ctx, time.Now().UTC()); err != nil {
				a.log.Warn("purge sessions", "err", err)
			} else if n > 0 {
				a.log.Debug("purged expired sessions", "count", n)
			}
			if _, err := a.store.PurgeExpiredOTPChallenges(ctx, time.Now().UTC()); err != nil {
				a.log.Warn("purge two-factor challenges", "err", err)
			}
			// Counters older than a day are past any window or lock.
			if err := a.store.PurgeLoginFailures(ctx, time.Now().UTC().Add(-24*time.Hour)); err != nil {
				a.log.Warn("purge sign-in failure counters", "err", err)
			}
		}
	}
}

// OpenAPI returns the API's OpenAPI document without starting anything.
func OpenAPI() ([]byte, error) {
	srv := api.New(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: Version})
	return srv.OpenAPI()
}

// sipTransports are the listeners phones may use: UDP and TCP on one
// port, TLS on its own when configured.
func sipTransports(addr, tlsAddr string) []model.Transport {
	var out []model.Transport
	port := func(a string) int {
		_, p, err := net.SplitHostPort(a)
		if err != nil {
			return 0
		}
		n, _ := strconv.Atoi(p)
		return n
	}
	if p := port(addr); p > 0 {
		out = append(out, model.Transport{Protocol: "UDP", Port: p, Verification: "DISABLE"},
			model.Transport{Protocol: "TCP", Port: p, Verification: "DISABLE"})
	}
	if p := port(tlsAddr); p > 0 {
		out = append(out, model.Transport{Protocol: "TLS", Port: p, Verification: "DISABLE"})
	}
	return out
}

// bootstrap creates the system tenant and its SystemAdmin on the first
// start, printing a generated password once; on later starts a set
// SWITCHBOARD_ADMIN_PASSWORD is ignored, and the log says so.
func bootstrap(ctx context.Context, st *store.Store, dir *directory.Service, password string, log *slog.Logger, out io.Writer) error {
	_, errSystem := st.SystemTenant(ctx)
	generated, err := dir.Bootstrap(ctx, password)
	if err != nil {
		return err
	}
	if errSystem == nil && password != "" {
		log.Warn(config.EnvAdminPassword + " is set but the SystemAdmin already exists, so it is ignored (it applies on the first start only); " +
			"to change the admin's password run: switchboard user reset-password admin (the new password on stdin)")
	}
	if generated != "" && out != nil {
		fmt.Fprintf(out, "Created the SystemAdmin %q with the generated password: %s\nIt is shown only this once; set SWITCHBOARD_ADMIN_PASSWORD to choose it yourself.\n", directory.BootstrapAdminName, generated)
	}
	return nil
}

// directoryConfig is the directory's configuration from the flags: token
// lifetimes, login limits, where blobs go, the SMTP relay, the prompts.
func directoryConfig(cfg *config.Config, st *store.Store, opt Options) (directory.Config, error) {
	dcfg := directory.DefaultConfig()
	dcfg.Now = opt.Clock
	dcfg.Login = cfg.Login
	dcfg.BlobMaxSize = cfg.BlobMaxSize
	switch {
	case cfg.BlobStore == "db", cfg.BlobStore == "" && st.Dialect() == store.DialectPostgres:
		dcfg.Blobs = directory.DBBlobs{Store: st}
	default:
		dcfg.Blobs = directory.FileBlobs{Dir: filepath.Join(cfg.DataDir, "blobs"), Store: st}
	}
	if cfg.Media.SMTP != "" {
		relay, err := config.ParseSMTP(cfg.Media.SMTP)
		if err != nil {
			return dcfg, err
		}
		tlsConf, err := smtpTLS(cfg.Media.SMTPCA)
		if err != nil {
			return dcfg, err
		}
		dcfg.Mailer = mail.New(relay, cfg.Media.SMTPFrom, tlsConf)
	}
	dcfg.Prompts = media.Catalog()
	return dcfg, nil
}
