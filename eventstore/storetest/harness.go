// Package storetest is the conformance suite that every eventstore adapter
// must pass. An adapter's test calls Run with a Harness that makes fresh
// stores; the suite uses a unique stream prefix per test, so it also runs
// against a shared server (a real EventStoreDB) whose $all holds other data.
package storetest

import (
	"testing"

	"github.com/cec-kg/tizme/eventstore"
)

// Harness adapts the suite to one adapter.
type Harness struct {
	// New returns a ready store; the harness closes it in t.Cleanup.
	New func(t *testing.T) eventstore.Store

	// NewWithTypes returns a ready store that refuses event types unknown to
	// types (ErrUnknownEventType).
	NewWithTypes func(t *testing.T, types eventstore.TypeChecker) eventstore.Store

	// HoldAppend starts appending events to stream (expected Any) and keeps
	// the write uncommitted until release is called; release returns the
	// append's error. It lets the suite check that a slow writer's events
	// are delivered even though later writers commit first. Nil skips that
	// test (only allowed for a real external server).
	HoldAppend func(t *testing.T, s eventstore.Store, stream string, events []eventstore.EventData) (release func() error)

	// Disrupt breaks every live connection of s, so subscriptions must
	// resubscribe. Nil skips that test (only allowed for a real external
	// server).
	Disrupt func(t *testing.T, s eventstore.Store)

	// Bulk is true when stores from New implement eventstore.BulkAppender.
	Bulk bool
}
