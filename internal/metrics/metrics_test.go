package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInstrumentCountsByPattern(t *testing.T) {
	r := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/users/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	h := r.Instrument(mux)
	for _, id := range []string{"a", "b"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/users/"+id, nil))
	}
	var sb strings.Builder
	r.Write(&sb)
	out := sb.String()
	for _, want := range []string{
		`switchboard_http_requests_total{method="GET",route="GET /api/users/{id}",code="404"} 2`,
		`switchboard_http_request_duration_seconds_count{method="GET",route="GET /api/users/{id}",code="404"} 2`,
		"# TYPE switchboard_goroutines gauge",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/api/users/a") {
		t.Error("raw path leaked into labels")
	}
}
