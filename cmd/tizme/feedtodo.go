package main

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
)

// feedToDo is the commission's to-do from the population-register feed
// as the desk reads and marks it (api.FeedToDo, /staff/todo), over the
// table tizme feed fills.
type feedToDo struct{ db feed.DB }

var _ api.FeedToDo = feedToDo{}

func (f feedToDo) OpenToDo(ctx context.Context, commission string, limit int) ([]api.FeedToDoItem, error) {
	rows, err := f.db.OpenToDo(ctx, commission, limit)
	if err != nil {
		return nil, err
	}
	out := make([]api.FeedToDoItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, api.FeedToDoItem{Feed: r.Feed, ChangeID: r.ChangeID, Type: r.Type, Voter: r.Voter, Precinct: r.Precinct,
			Code: r.Code, Reason: r.Reason, FirstSeen: r.FirstSeen, LastSeen: r.LastSeen, Times: r.Times})
	}
	return out, nil
}

func (f feedToDo) ResolveToDo(ctx context.Context, commission, feedName, changeID, by string, at time.Time) (bool, error) {
	return f.db.ResolveToDo(ctx, commission, feedName, changeID, by, at)
}
