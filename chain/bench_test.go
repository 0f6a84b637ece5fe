package chain_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// BenchmarkAppends measures single-event appends from 32 writers with and
// without the chain follower running beside them (docs/PERFORMANCE.md):
//
//	go test -run '^$' -bench Appends -benchtime 20000x ./chain/
func BenchmarkAppends(b *testing.B) {
	for _, follow := range []bool{false, true} {
		b.Run(fmt.Sprintf("follower=%v", follow), func(b *testing.B) {
			ctx := context.Background()
			pool, err := pgxpool.New(ctx, pgtest.NewDatabase(b)+"&pool_max_conns=40")
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			if err := postgres.Migrate(ctx, pool); err != nil {
				b.Fatal(err)
			}
			if err := chain.Migrate(ctx, pool); err != nil {
				b.Fatal(err)
			}
			store := postgres.New(pool, postgres.Options{})
			defer store.Close()
			fctx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			if follow {
				f := &chain.Follower{Pool: pool, Store: store}
				go func() { done <- f.Run(fctx) }()
			} else {
				done <- nil
			}
			var n atomic.Int64
			data := json.RawMessage(`{"precinct":1001,"surname":"Асанов","given_name":"Асан"}`)
			b.SetParallelism(16) // × GOMAXPROCS (2) = 32 writers
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if _, err := store.Append(ctx, fmt.Sprintf("voter-%d", i), eventstore.NoStream(),
						eventstore.EventData{ID: uuid.New(), Type: "TestCounted", Version: 1, Data: data}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
			if follow {
				// How long the chain takes to reach the last append.
				caught := time.Now()
				for {
					st, err := chain.ReadState(ctx, pool)
					if err != nil {
						b.Fatal(err)
					}
					if st.Count >= int64(b.N) {
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				b.ReportMetric(float64(time.Since(caught).Milliseconds()), "ms-chain-lag-at-end")
			}
			stop()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		})
	}
}
