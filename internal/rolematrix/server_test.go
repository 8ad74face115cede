package rolematrix

import (
	"net/http/httptest"
	"testing"

	"movedesk/central"
)

// newServer serves h on 127.0.0.1 until the test ends.
func newServer(t *testing.T, h *central.Server) string {
	t.Helper()
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}
