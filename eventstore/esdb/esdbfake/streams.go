package esdbfake

import (
	"encoding/binary"
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
)

// defaultWindow is EventStoreDB's read batch size, used as the search window
// of a filter that asks for none.
const defaultWindow = 32

type streamsService struct {
	api.UnimplementedStreamsServer
	db   *db
	done chan struct{}
}

// Append receives the options, then the events, then commits.
func (s *streamsService) Append(srv api.Streams_AppendServer) error {
	first, err := srv.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return invalid("the first append message must carry options")
	}
	stream := string(opts.GetStreamIdentifier().GetStreamName())
	if stream == "" {
		return invalid("empty stream name")
	}
	var exp expectation
	switch o := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Any:
		exp.kind = expectAny
	case *api.AppendReq_Options_NoStream:
		exp.kind = expectNoStream
	case *api.AppendReq_Options_StreamExists:
		exp.kind = expectStreamExists
	case *api.AppendReq_Options_Revision:
		exp = expectation{kind: expectRevision, revision: o.Revision}
	default:
		return invalid("no expected stream revision")
	}

	var events []proposed
	size := 0
	limit := s.db.limit()
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msg := req.GetProposedMessage()
		if msg == nil {
			return invalid("expected a proposed message after the options")
		}
		e, err := toProposed(msg)
		if err != nil {
			return err
		}
		// EventStoreDB counts data, metadata and the type name twice
		// (UTF-16) against its maximum append size.
		size += len(e.data) + len(e.custom) + 2*len(e.meta["type"])
		if size > limit {
			return invalid("Maximum Append Size of %d Exceeded.", limit)
		}
		events = append(events, e)
	}

	if release := s.db.takeHold(); release != nil {
		select {
		case <-release:
			s.db.unhold()
		case <-srv.Context().Done():
			s.db.unhold()
			return ctxErr(srv.Context())
		case <-s.done:
			s.db.unhold()
			return errClosed
		}
	}
	if err := srv.Context().Err(); err != nil {
		return ctxErr(srv.Context())
	}

	out := s.db.commit(stream, exp, events)
	if !out.ok {
		return srv.SendAndClose(wrongExpectedVersion(exp, out))
	}
	success := &api.AppendResp_Success{}
	if out.exists {
		success.CurrentRevisionOption = &api.AppendResp_Success_CurrentRevision{CurrentRevision: out.revision}
	} else {
		success.CurrentRevisionOption = &api.AppendResp_Success_NoStream{NoStream: &shared.Empty{}}
	}
	if out.position != 0 {
		success.PositionOption = &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
			CommitPosition:  out.position,
			PreparePosition: out.position,
		}}
	} else {
		success.PositionOption = &api.AppendResp_Success_NoPosition{NoPosition: &shared.Empty{}}
	}
	return srv.SendAndClose(&api.AppendResp{Result: &api.AppendResp_Success_{Success: success}})
}

func toProposed(msg *api.AppendReq_ProposedMessage) (proposed, error) {
	id, ok := fromProtoUUID(msg.GetId())
	if !ok {
		return proposed{}, invalid("proposed message without a valid id")
	}
	meta := msg.GetMetadata()
	for _, key := range []string{"type", "content-type"} {
		if _, ok := meta[key]; !ok {
			return proposed{}, invalid("proposed message %s lacks required metadata %q", id, key)
		}
	}
	return proposed{id: id, meta: meta, custom: msg.GetCustomMetadata(), data: msg.GetData()}, nil
}

// wrongExpectedVersion fills both the current fields and the 20.6.0 ones,
// as EventStoreDB does.
func wrongExpectedVersion(exp expectation, out appendOutcome) *api.AppendResp {
	w := &api.AppendResp_WrongExpectedVersion{}
	if out.exists {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: out.revision}
		w.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_CurrentRevision_20_6_0{CurrentRevision_20_6_0: out.revision}
	} else {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
		w.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_NoStream_20_6_0{NoStream_20_6_0: &shared.Empty{}}
	}
	switch exp.kind {
	case expectAny:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_Any_20_6_0{Any_20_6_0: &shared.Empty{}}
	case expectStreamExists:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_StreamExists_20_6_0{StreamExists_20_6_0: &shared.Empty{}}
	case expectNoStream:
		// 20.6.0 had no "no stream" expectation field.
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
	case expectRevision:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: exp.revision}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: exp.revision}
	}
	return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: w}}
}

// Read serves stream reads, $all reads and $all subscriptions.
func (s *streamsService) Read(req *api.ReadReq, srv api.Streams_ReadServer) error {
	opts := req.GetOptions()
	if opts == nil {
		return invalid("read without options")
	}
	r := &reader{
		srv:        srv,
		drop:       s.db.dropChan(),
		done:       s.done,
		structured: opts.GetUuidOption().GetString_() == nil,
		backwards:  opts.GetReadDirection() == api.ReadReq_Options_Backwards,
	}
	f, err := parseFilter(opts)
	if err != nil {
		return err
	}
	r.filter = f

	if opts.GetSubscription() != nil {
		all := opts.GetAll()
		if all == nil {
			return invalid("the fake only supports subscriptions to $all")
		}
		if r.backwards {
			return invalid("subscriptions read forwards")
		}
		return s.subscribe(r, all, opts.GetControlOption().GetCompatibility())
	}
	count := opts.GetCount()
	switch {
	case opts.GetStream() != nil:
		return s.readStream(r, opts.GetStream(), count)
	case opts.GetAll() != nil:
		return s.readAll(r, opts.GetAll(), count)
	}
	return invalid("read of neither a stream nor $all")
}

func (s *streamsService) readStream(r *reader, o *api.ReadReq_Options_StreamOptions, count uint64) error {
	name := o.GetStreamIdentifier().GetStreamName()
	recs := s.db.stream(string(name))
	if len(recs) == 0 {
		return r.send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
			StreamIdentifier: &shared.StreamIdentifier{StreamName: name},
		}}})
	}
	last := uint64(len(recs) - 1)
	var from uint64
	switch v := o.GetRevisionOption().(type) {
	case *api.ReadReq_Options_StreamOptions_Start:
		from = 0
	case *api.ReadReq_Options_StreamOptions_End:
		if !r.backwards {
			return nil // forwards from the end: nothing yet
		}
		from = last
	case *api.ReadReq_Options_StreamOptions_Revision:
		from = v.Revision
	default:
		return invalid("stream read without a revision option")
	}
	var sent uint64
	if r.backwards {
		// EventStoreDB starts a backwards read past the end at the last event.
		for rev := min(from, last); sent < count; rev-- {
			if err := r.sendEvent(recs[rev]); err != nil {
				return err
			}
			sent++
			if rev == 0 {
				break
			}
		}
		return nil
	}
	for rev := from; rev <= last && sent < count; rev++ {
		if err := r.sendEvent(recs[rev]); err != nil {
			return err
		}
		sent++
	}
	return nil
}

func (s *streamsService) readAll(r *reader, o *api.ReadReq_Options_AllOptions, count uint64) error {
	log, _, _ := s.db.snapshot()
	var i int // forwards: first index read; backwards: one past it
	switch v := o.GetAllOption().(type) {
	case *api.ReadReq_Options_AllOptions_Start:
		i = 0
	case *api.ReadReq_Options_AllOptions_End:
		i = len(log)
	case *api.ReadReq_Options_AllOptions_Position:
		var err error
		if i, err = s.index(log, v.Position); err != nil {
			return err
		}
	default:
		return invalid("$all read without a position option")
	}
	var sent uint64
	if r.backwards {
		// Backwards from a position reads the events before it.
		for j := i - 1; j >= 0 && sent < count; j-- {
			if r.filter != nil && !r.filter.match(log[j]) {
				continue
			}
			if err := r.sendEvent(log[j]); err != nil {
				return err
			}
			sent++
		}
		return nil
	}
	for j := i; j < len(log) && sent < count; j++ {
		if r.filter != nil && !r.filter.match(log[j]) {
			continue
		}
		if err := r.sendEvent(log[j]); err != nil {
			return err
		}
		sent++
	}
	return nil
}

// index finds where a read from pos starts: the index of the event at pos,
// or len(log) for the end. Other positions are not record boundaries.
func (s *streamsService) index(log []*record, pos *api.ReadReq_Options_Position) (int, error) {
	c, p := pos.GetCommitPosition(), pos.GetPreparePosition()
	if c != p {
		return 0, invalid("invalid position %d/%d: the fake's events have commit == prepare", c, p)
	}
	if c == 0 {
		return 0, nil
	}
	lo, hi := 0, len(log)
	for lo < hi {
		mid := (lo + hi) / 2
		if log[mid].pos < c {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(log) && log[lo].pos == c {
		return lo, nil
	}
	if lo == len(log) && c == s.endPosition() {
		return lo, nil
	}
	return 0, invalid("invalid position %d/%d: not an event's position", c, p)
}

func (s *streamsService) endPosition() uint64 {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	return s.db.nextPos
}

// subscribe catches up from the requested position, then follows the log
// live, sending checkpoints when a filter asks for them.
func (s *streamsService) subscribe(r *reader, o *api.ReadReq_Options_AllOptions, compatibility uint32) error {
	log, _, _ := s.db.snapshot()
	var next int    // index of the next event to scan
	var mark uint64 // position of the last event scanned, or the start
	switch v := o.GetAllOption().(type) {
	case *api.ReadReq_Options_AllOptions_Start:
		next = 0
	case *api.ReadReq_Options_AllOptions_End:
		next = len(log)
		if next > 0 {
			mark = log[next-1].pos
		}
	case *api.ReadReq_Options_AllOptions_Position:
		i, err := s.index(log, v.Position)
		if err != nil {
			return err
		}
		mark = v.Position.GetCommitPosition()
		// A subscription starts after its position.
		next = i
		if next < len(log) && log[next].pos == mark && !s.db.repeatsStart() {
			next++
		}
	default:
		return invalid("subscription without a position option")
	}
	if err := r.send(&api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{
		SubscriptionId: "esdbfake-" + uuid.NewString(),
	}}}); err != nil {
		return err
	}

	scanned := 0
	// scan sends the matching events of log[next:] and the checkpoints due.
	scan := func(log []*record) error {
		for ; next < len(log); next++ {
			rec := log[next]
			mark = rec.pos
			if r.filter == nil || r.filter.match(rec) {
				if err := r.sendEvent(rec); err != nil {
					return err
				}
			}
			if r.filter == nil {
				continue
			}
			if scanned++; scanned >= r.filter.interval {
				scanned = 0
				if err := r.sendCheckpoint(mark); err != nil {
					return err
				}
			}
		}
		return nil
	}

	// Catch up until a snapshot brings nothing new.
	for {
		if err := scan(log); err != nil {
			return err
		}
		fresh, _, _ := s.db.snapshot()
		if len(fresh) == len(log) {
			break
		}
		log = fresh
	}
	if r.filter != nil && mark != 0 {
		if err := r.sendCheckpoint(mark); err != nil {
			return err
		}
	}
	if compatibility >= 1 {
		if err := r.send(&api.ReadResp{Content: &api.ReadResp_CaughtUp_{CaughtUp: &api.ReadResp_CaughtUp{}}}); err != nil {
			return err
		}
	}

	// Live.
	for {
		log, wake, _ := s.db.snapshot()
		if next < len(log) {
			if err := scan(log); err != nil {
				return err
			}
			continue
		}
		select {
		case <-wake:
		case <-r.drop:
			return errDropped
		case <-r.done:
			return errClosed
		case <-r.srv.Context().Done():
			return ctxErr(r.srv.Context())
		}
	}
}

// reader sends one Read call's responses.
type reader struct {
	srv        api.Streams_ReadServer
	drop       chan struct{}
	done       chan struct{}
	structured bool
	backwards  bool
	filter     *filter
}

func (r *reader) send(m *api.ReadResp) error {
	select {
	case <-r.drop:
		return errDropped
	case <-r.done:
		return errClosed
	default:
	}
	return r.srv.Send(m)
}

func (r *reader) sendEvent(rec *record) error {
	return r.send(&api.ReadResp{Content: &api.ReadResp_Event{Event: &api.ReadResp_ReadEvent{
		Event: &api.ReadResp_ReadEvent_RecordedEvent{
			Id:               toProtoUUID(rec.id, r.structured),
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(rec.stream)},
			StreamRevision:   rec.revision,
			PreparePosition:  rec.pos,
			CommitPosition:   rec.pos,
			Metadata:         rec.meta,
			CustomMetadata:   rec.custom,
			Data:             rec.data,
		},
		Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: rec.pos},
	}}})
}

func (r *reader) sendCheckpoint(pos uint64) error {
	return r.send(&api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
		CommitPosition:  pos,
		PreparePosition: pos,
	}}})
}

// filter is a server-side filter of $all.
type filter struct {
	onStream bool
	prefixes []string
	re       *regexp.Regexp
	interval int // scanned events between checkpoints
}

func (f *filter) match(r *record) bool {
	subject := r.eventType()
	if f.onStream {
		subject = r.stream
	}
	if f.re != nil {
		return f.re.MatchString(subject)
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(subject, p) {
			return true
		}
	}
	return false
}

func parseFilter(opts *api.ReadReq_Options) (*filter, error) {
	fo := opts.GetFilter()
	if fo == nil {
		return nil, nil
	}
	var expr *api.ReadReq_Options_FilterOptions_Expression
	f := &filter{}
	switch {
	case fo.GetStreamIdentifier() != nil:
		expr, f.onStream = fo.GetStreamIdentifier(), true
	case fo.GetEventType() != nil:
		expr = fo.GetEventType()
	default:
		return nil, invalid("filter on neither stream nor event type")
	}
	switch {
	case expr.GetRegex() != "" && len(expr.GetPrefix()) > 0:
		return nil, invalid("filter with both a regex and prefixes")
	case expr.GetRegex() != "":
		re, err := regexp.Compile(expr.GetRegex())
		if err != nil {
			return nil, invalid("filter regex: %v", err)
		}
		f.re = re
	case len(expr.GetPrefix()) > 0:
		f.prefixes = expr.GetPrefix()
	default:
		return nil, invalid("filter with neither a regex nor prefixes")
	}
	window := defaultWindow
	if _, ok := fo.GetWindow().(*api.ReadReq_Options_FilterOptions_Max); ok {
		if fo.GetMax() == 0 {
			return nil, invalid("filter with a max search window of 0")
		}
		window = int(fo.GetMax())
	}
	if fo.GetCheckpointIntervalMultiplier() == 0 {
		return nil, invalid("filter with a checkpoint interval multiplier of 0")
	}
	f.interval = window * int(fo.GetCheckpointIntervalMultiplier())
	return f, nil
}

func fromProtoUUID(u *shared.UUID) (uuid.UUID, bool) {
	if st := u.GetStructured(); st != nil {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], uint64(st.GetMostSignificantBits()))
		binary.BigEndian.PutUint64(b[8:], uint64(st.GetLeastSignificantBits()))
		id := uuid.UUID(b)
		return id, id != uuid.Nil
	}
	id, err := uuid.Parse(u.GetString_())
	return id, err == nil && id != uuid.Nil
}

func toProtoUUID(id uuid.UUID, structured bool) *shared.UUID {
	if !structured {
		return &shared.UUID{Value: &shared.UUID_String_{String_: id.String()}}
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits:  int64(binary.BigEndian.Uint64(id[:8])),
		LeastSignificantBits: int64(binary.BigEndian.Uint64(id[8:])),
	}}}
}
