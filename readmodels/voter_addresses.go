package readmodels

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// NameVoterAddresses is persisted: never change it.
const NameVoterAddresses = "voter_addresses"

// TableVoterAddresses is the read model's table.
const TableVoterAddresses = "voter_addresses"

// VoterAddresses keeps, per voter, the key of the registered address
// (geo.Address.Key) and whether the voter is on the list, so staff can be
// told of crowded addresses (commands.AddressCounter). Not public: it
// holds home-address keys.
//
// Table voter_addresses: stream text primary key (the voter stream),
// address_key text, on_list boolean.
type VoterAddresses struct{}

// NewVoterAddresses returns the projection.
func NewVoterAddresses() projections.Projection { return VoterAddresses{} }

// Name implements Projection.
func (VoterAddresses) Name() string { return NameVoterAddresses }

// Public reports that the portal never reads it.
func (VoterAddresses) Public() bool { return false }

// EventTypes implements Projection.
func (VoterAddresses) EventTypes() []string { return vaFold.EventTypes() }

// Tables implements Projection.
func (VoterAddresses) Tables() []projections.Table {
	return []projections.Table{{
		Name:    TableVoterAddresses,
		Create:  `CREATE TABLE {table} (stream text PRIMARY KEY, address_key text, on_list boolean)`,
		Indexes: []projections.Index{{Name: "address", On: "(address_key) WHERE on_list"}},
	}}
}

var vaStaging = projections.Staging{Name: "va_stage", Columns: []projections.Column{
	{Name: "stream", Type: "text"}, {Name: "address_key", Type: "text"}, {Name: "on_list", Type: "boolean"},
}}

// vaChange is what a batch changes for one voter; nil fields stay as they
// were.
type vaChange struct {
	address *string
	onList  *bool
}

// vaState is the batch's changes per voter, in first-touch order.
type vaState struct {
	changes map[string]*vaChange
	order   []string
}

// Apply implements Projection (vaFold).
func (VoterAddresses) Apply(ctx context.Context, b *projections.Batch) error {
	return vaFold.Apply(ctx, b)
}

// vaFold: the batch is folded per voter in Go (the last change of each
// field wins), then merged in one statement.
var vaFold = projections.Fold[vaState]{
	Name: "voter addresses",
	Load: vaLoad,
	On: projections.Handlers[vaState]{
		voter.TypeVoterRegistered:       projections.On(vaRegistered),
		voter.TypeVoterDetailsCorrected: projections.On(vaCorrected),
		voter.TypeVoterRemoved:          projections.On(vaRemoved),
		voter.TypeVoterRestored:         projections.On(vaRestored),
	},
	Flush: vaFlush,
}

// vaLoad: the merge keeps the stored fields a batch does not change, so
// nothing is read.
func vaLoad(context.Context, *projections.Batch) (*vaState, error) {
	return &vaState{changes: map[string]*vaChange{}}, nil
}

func (s *vaState) get(stream string) *vaChange {
	c, ok := s.changes[stream]
	if !ok {
		c = &vaChange{}
		s.changes[stream] = c
		s.order = append(s.order, stream)
	}
	return c
}

func vaRegistered(s *vaState, e projections.Event, v voter.VoterRegistered) {
	c := s.get(e.Stream)
	c.address, c.onList = vlPtr(sqAddressKey(v.Address)), vlPtr(true)
}

func vaCorrected(s *vaState, e projections.Event, v voter.VoterDetailsCorrected) {
	if v.Address != nil {
		s.get(e.Stream).address = vlPtr(sqAddressKey(*v.Address))
	}
}

func vaRemoved(s *vaState, e projections.Event, _ voter.VoterRemoved) {
	s.get(e.Stream).onList = vlPtr(false)
}

func vaRestored(s *vaState, e projections.Event, _ voter.VoterRestored) {
	s.get(e.Stream).onList = vlPtr(true)
}

func vaFlush(ctx context.Context, b *projections.Batch, s *vaState) error {
	if len(s.order) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(s.order))
	for _, st := range s.order {
		c := s.changes[st]
		rows = append(rows, []any{st, c.address, c.onList})
	}
	stage, err := b.Stage(ctx, vaStaging, pgx.CopyFromRows(rows))
	if err != nil {
		return err
	}
	t := b.Table(TableVoterAddresses)
	_, err = b.Tx.Exec(ctx, `INSERT INTO `+t+` AS t (stream, address_key, on_list)
		SELECT stream, address_key, on_list FROM `+stage+`
		ON CONFLICT (stream) DO UPDATE SET
			address_key = coalesce(excluded.address_key, t.address_key),
			on_list = coalesce(excluded.on_list, t.on_list)`)
	if err != nil {
		return fmt.Errorf("voter addresses: %w", err)
	}
	return nil
}

// AddressCounter counts the voters on the list at an address from the
// voter_addresses read model (it implements commands.AddressCounter).
// Like every read model it may lag the log by a moment, so a flag can come
// one registration late; it is never lost, because the next registration
// at the address counts again.
type AddressCounter struct{ Pool *pgxpool.Pool }

// VotersAt returns how many voters on the list are registered at the
// address with this key.
func (a AddressCounter) VotersAt(ctx context.Context, addressKey string) (int, error) {
	var n int
	err := a.Pool.QueryRow(ctx, `SELECT count(*) FROM `+TableVoterAddresses+` WHERE address_key = $1 AND on_list`, addressKey).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count voters at an address: %w", err)
	}
	return n, nil
}

// CrowdedAddresses returns the addresses with more than max voters on
// the list, each with its count, and the log position the read model had
// reached (its checkpoint), both read in one snapshot (it implements
// commands.CrowdedAddressLister). The counts include every event up to
// that position.
func (a AddressCounter) CrowdedAddresses(ctx context.Context, max int) (map[string]int, eventstore.Position, error) {
	keys := map[string]int{}
	var upTo eventstore.Position
	err := pgx.BeginTxFunc(ctx, a.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var commit, prepare int64
		err := tx.QueryRow(ctx, `SELECT checkpoint_commit, checkpoint_prepare FROM projection_state WHERE name = $1`, NameVoterAddresses).Scan(&commit, &prepare)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil // not built yet: the snapshot covers nothing
		case err != nil:
			return err
		}
		rows, err := tx.Query(ctx, `SELECT address_key, count(*) FROM `+TableVoterAddresses+`
			WHERE on_list AND address_key IS NOT NULL GROUP BY address_key HAVING count(*) > $1`, max)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return err
			}
			keys[k] = n
		}
		if err := rows.Err(); err != nil {
			return err
		}
		upTo = eventstore.Position{Commit: uint64(commit), Prepare: uint64(prepare)}
		return nil
	})
	if err != nil {
		return nil, eventstore.Start, fmt.Errorf("list crowded addresses: %w", err)
	}
	return keys, upTo, nil
}
