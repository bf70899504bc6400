package messenger

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestGraphErrorClass(t *testing.T) {
	tests := []struct {
		status, code, sub int
		transient         bool
		want              ErrorClass
	}{
		{400, 1, 0, false, ClassRetryable},
		{500, 2, 0, true, ClassRetryable},
		{400, 4, 0, false, ClassRetryable},
		{400, 4, 2018354, false, ClassPermanent},
		{400, 17, 0, false, ClassRetryable},
		{400, 32, 0, false, ClassRetryable},
		{400, 613, 0, false, ClassRetryable},
		{400, 613, 2534040, false, ClassRetryable},
		{400, 613, 2018338, false, ClassPermanent},
		{400, 80006, 0, false, ClassRetryable},
		{503, 0, 0, false, ClassRetryable},
		{429, 0, 0, false, ClassRetryable},
		{400, 0, 0, false, ClassPermanent},
		{400, 190, 0, false, ClassToken},
		{400, 190, 463, false, ClassToken},
		{400, 190, 467, false, ClassToken},
		{400, 102, 0, false, ClassToken},
		{400, 551, 0, false, ClassUnreachable},
		{400, 551, 1545041, false, ClassUnreachable},
		{400, 200, 1545041, false, ClassUnreachable},
		{400, 10, 2018108, false, ClassUnreachable},
		{400, 100, 2018001, false, ClassUnreachable},
		{400, 10, 2018278, false, ClassOutsideWindow},
		{400, 10, 2534022, false, ClassOutsideWindow},
		{400, 10, 2018065, false, ClassOutsideWindow},
		{400, 10, 0, false, ClassPermanent},
		{400, 200, 2018028, false, ClassPermanent},
		{400, 100, 0, false, ClassPermanent},
		{500, 100, 0, false, ClassPermanent},
		{400, 368, 0, false, ClassPermanent},
		{400, 100, 2018218, false, ClassPermanent},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%d_%d", tt.status, tt.code, tt.sub), func(t *testing.T) {
			e := &GraphError{HTTPStatus: tt.status, Code: tt.code, Subcode: tt.sub, IsTransient: tt.transient}
			if got := e.Class(); got != tt.want {
				t.Errorf("Class() = %s, want %s", got, tt.want)
			}
			wrapped := fmt.Errorf("outer: %w", e)
			if Retryable(wrapped) != (tt.want == ClassRetryable) {
				t.Errorf("Retryable disagrees with class %s", tt.want)
			}
		})
	}
}

func TestParseGraphError(t *testing.T) {
	h := http.Header{}
	h.Set("X-Business-Use-Case-Usage", `{"106274378840137":[{"type":"messenger","call_count":100,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":7}],"2":[{"type":"pages","estimated_time_to_regain_access":2}]}`)
	e := parseGraphError(400, h, []byte(`{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"error_subcode":"2534040","fbtrace_id":"AbC"}}`))
	if e.Code != 613 || e.Subcode != 2534040 || e.TraceID != "AbC" || e.RetryAfter != 7*time.Minute {
		t.Errorf("parsed = %+v", e)
	}
	for _, bad := range []string{`nope`, `{"x":[1]}`, `{"1":[{"estimated_time_to_regain_access":"soon"}]}`} {
		h.Set("X-Business-Use-Case-Usage", bad)
		if d := retryAfter(h); d != 0 {
			t.Errorf("retryAfter(%q) = %v", bad, d)
		}
	}
	h = http.Header{"Retry-After": {"30"}}
	if d := retryAfter(h); d != 30*time.Second {
		t.Errorf("Retry-After: %v", d)
	}
	e = parseGraphError(503, http.Header{}, []byte("Service Unavailable\n"))
	if e.HTTPStatus != 503 || e.Message != "Service Unavailable" || e.Class() != ClassRetryable {
		t.Errorf("non-JSON = %+v", e)
	}
	var target *GraphError
	if !errors.As(fmt.Errorf("x: %w", e), &target) || target.Error() == "" {
		t.Error("GraphError does not unwrap")
	}
}
