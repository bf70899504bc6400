package feed

import (
	"fmt"
	"testing"

	"github.com/parleycc/parley"
)

// BenchmarkPublish is the reader's cost of handing out a page of 10 new
// events (each one agent's, as most are) to the live streams of a tenant
// with 10 supervisors and the given number of agents online, CPU only (no
// store, no browser). ns/op is per page.
//
//	go test ./web/feed -run '^$' -bench Publish
func BenchmarkPublish(b *testing.B) {
	for _, agents := range []int{200, 2000} {
		b.Run(fmt.Sprintf("agents=%d", agents), func(b *testing.B) {
			h := &Hub{Ring: DefaultRing, Buffer: DefaultBuffer}
			f := newTenantFeed(h, "t1", 0)
			var subs []*Sub
			join := func(agent string) {
				s := &Sub{feed: f, max: h.Buffer, wake: make(chan struct{}, 1), agent: agent}
				f.tryJoin(s, true)
				subs = append(subs, s)
			}
			for i := range agents {
				join(fmt.Sprint("agent", i))
			}
			for range 10 {
				join("")
			}
			var id int64
			page := make([]*parley.Event, 10)
			for n := 0; b.Loop(); n++ {
				for i := range page {
					id++
					page[i] = &parley.Event{ID: id, TenantID: "t1", Type: "message", AgentID: fmt.Sprint("agent", (int(id)*7919)%agents)}
				}
				f.publish(page)
				if n%50 == 49 { // the streams read what they were handed
					for _, s := range subs {
						s.take()
					}
				}
			}
		})
	}
}
