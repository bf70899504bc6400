package kb_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/kb"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// benchArticles is the size of the benchmark's knowledge base.
const benchArticles = 10000

// benchQueries are what customers type, from one word to a sentence.
var benchQueries = []string{
	"screen",
	"broken screen",
	"my screen is broken",
	"battery drains fast when charging",
	"refund",
	"where is my parcel",
	"reset password",
	"warranty repair water damage",
	"lost phone insurance claim",
	"bluetooth headphones",
	"hello my phone screen is broken after I dropped it in water, can I get a repair under warranty or do I need insurance",
}

// benchTopics are what generated articles are about, most common first:
// an article is about 2 or 3 of them (picked with a Zipf distribution,
// so the first ones are in hundreds of articles and the last ones in a
// few) and mentions one other once. "phone" is a filler word: a query
// with it matches nearly every article (the worst case).
var benchTopics = strings.Fields(`screen battery refund parcel password warranty repair delivery
	charger order invoice payment card store courier label tracking speaker camera bluetooth wifi
	update restart settings storage memory display broken cracked water damage return exchange
	account login email address gift voucher discount price subscription contract sim network
	signal call microphone headphones earbuds watch tablet laptop keyboard mouse printer ink
	router cable adapter case protector glass button volume power sleep alarm backup cloud photos
	contacts calendar apps install uninstall language font brightness notification vibration
	fingerprint face unlock pin puk lost stolen insurance claim appointment technician diagnosis
	quote estimate spare parts recycling trade upgrade preorder stock availability opening hours`)

var benchFiller = strings.Fields(`the a your our we you it is can will please then when after before with
	within days hours open choose select check make sure device phone app page menu help support team
	message contact free cost time working service customer new old first next last right left back
	from into out about more most some any each every other same this that these those here there`)

// benchArticle generates one article from r.
func benchArticle(r *rand.Rand, zipf *rand.Zipf) *parley.Article {
	about := []string{benchTopics[zipf.Uint64()], benchTopics[zipf.Uint64()]}
	if r.IntN(2) == 0 {
		about = append(about, benchTopics[zipf.Uint64()])
	}
	words := func(n int, density float64, extra []string) string {
		ws := make([]string, 0, n+len(extra))
		for range n {
			if r.Float64() < density {
				ws = append(ws, about[r.IntN(len(about))])
			} else {
				ws = append(ws, benchFiller[r.IntN(len(benchFiller))])
			}
		}
		for _, e := range extra {
			ws = slices.Insert(ws, r.IntN(len(ws)+1), e)
		}
		return strings.Join(ws, " ")
	}
	noise := []string{benchTopics[r.IntN(len(benchTopics))]}
	return &parley.Article{TenantID: tenant, Title: words(3+r.IntN(4), 0.4, about[:1]), Body: words(80+r.IntN(170), 0.04, noise),
		Language: "en", Published: r.IntN(10) > 0}
}

// seedBench fills st with benchArticles generated articles, 1,000 per
// transaction, and analyzes them.
func seedBench(b testing.TB, st *sqlstore.Store) {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.1, 4, uint64(len(benchTopics)-1))
	for i := 0; i < benchArticles; i += 1000 {
		batch := make([]*parley.Article, 0, 1000)
		for range 1000 {
			batch = append(batch, benchArticle(r, zipf))
		}
		if err := st.CreateArticles(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	// What autovacuum would have done by the time anyone searches: give
	// the planner the table's statistics.
	if _, err := st.DB().ExecContext(ctx, "ANALYZE kb_articles"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkKnowledgeSearch searches 10,000 articles on each database:
// one iteration is one kb.Service.Search of the next benchQueries entry
// (top 5, with the tenant's synonyms). Reports the latency's p50 and p99
// per query in milliseconds. Target: p99 < 20 ms.
//
//	go test ./kb -run '^$' -bench KnowledgeSearch -benchtime 2000x
func BenchmarkKnowledgeSearch(b *testing.B) {
	open := []struct {
		name string
		open func(testing.TB) *sqlstore.Store
	}{{"sqlite", sqltest.OpenSQLite}, {"postgres", sqltest.OpenPostgres}}
	for _, db := range open {
		b.Run(db.name, func(b *testing.B) {
			st := db.open(b)
			seedBench(b, st)
			svc := kb.New(st)
			if _, err := svc.SetSynonyms(ctx, tenant, [][]string{{"screen", "display"}, {"parcel", "delivery"}}); err != nil {
				b.Fatal(err)
			}
			// What a tenant's first search starts in the background.
			start := time.Now()
			if err := svc.CountWords(ctx, tenant); err != nil {
				b.Fatal(err)
			}
			b.Logf("counting the tenant's words: %v", time.Since(start).Round(time.Millisecond))
			lat := make([]time.Duration, 0, b.N)
			perQuery := make([][]time.Duration, len(benchQueries))
			hits := 0
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				res, err := svc.Search(ctx, kb.Query{TenantID: tenant, Text: benchQueries[i%len(benchQueries)], Limit: 5})
				d := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, d)
				perQuery[i%len(benchQueries)] = append(perQuery[i%len(benchQueries)], d)
				hits += len(res)
			}
			b.StopTimer()
			b.ReportMetric(percentile(lat, 0.50), "p50-ms")
			b.ReportMetric(percentile(lat, 0.99), "p99-ms")
			b.ReportMetric(float64(hits)/float64(b.N), "hits/query")
			if b.N >= 100 {
				logPerQuery(b, st, perQuery)
			}
		})
	}
}

// percentile returns the p-th latency of lat (sorted in place) in ms.
func percentile(lat []time.Duration, p float64) float64 {
	slices.Sort(lat)
	return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
}

// logPerQuery logs each query's latencies and how many articles contain
// all its terms, at least two, and at least one (before common and
// unknown words are left out).
func logPerQuery(b *testing.B, st *sqlstore.Store, perQuery [][]time.Duration) {
	b.Helper()
	for i, q := range benchQueries {
		terms := kb.Expand(kb.Words(q), nil)
		var matches []string
		for _, n := range []int{len(terms), 2, 1} {
			all, err := st.SearchArticles(ctx, parley.ArticleQuery{TenantID: tenant, Terms: terms, MinTerms: n, PublishedOnly: true, Limit: benchArticles})
			if err != nil {
				b.Fatal(err)
			}
			matches = append(matches, strconv.Itoa(len(all)))
		}
		b.Logf("%-40.40q %2d terms, matches all/two/any %-16s p50 %6.2f ms  p99 %6.2f ms", q, len(terms), strings.Join(matches, "/"),
			percentile(perQuery[i], 0.5), percentile(perQuery[i], 0.99))
	}
}
