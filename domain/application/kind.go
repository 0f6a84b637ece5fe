package application

import "github.com/cec-kg/tizme/domain/election"

// Kind is what an application asks for.
type Kind string

const (
	// KindCorrectPersonalData: an error in the voter's own entry (Form 1
	// since 2020, Form 3 before): name, birth date, passport, address or
	// precinct.
	KindCorrectPersonalData Kind = "correct_personal_data"
	// KindAbsentFromList: the voter is missing from the list and asks to be
	// included.
	KindAbsentFromList Kind = "absent_from_list"
	// KindChangeOfPrecinct: Form 2, vote where the voter actually is. Kept
	// although abolished for most voters in 2020: history must stay readable
	// (VP 3.6) and rules differ per election.
	KindChangeOfPrecinct Kind = "change_of_precinct"
	// KindExcludeOtherEntry: another entry should not be on the list (a
	// duplicate, a dead person, someone registered at the voter's address
	// without living there).
	KindExcludeOtherEntry Kind = "exclude_other_entry"
	// KindComplaintAboutOperator: a complaint about the actions or inaction
	// of the operators who compile the list (VP 2.4).
	KindComplaintAboutOperator Kind = "complaint_about_operator"
)

// KindAllowed reports whether an election with rules r takes applications
// of kind k. It is the one statement of the rule: Submit refuses the
// others (ErrKindNotAllowed) and the Cabinet offers only these. Form 2
// (change_of_precinct) needs an election that allows it (abolished for
// most voters in 2020, election.Rules); every other kind is always taken.
func KindAllowed(k Kind, r election.Rules) bool {
	return k != KindChangeOfPrecinct || r.ChangeOfPrecinctAllowed
}

// Kinds lists every kind.
var Kinds = []Kind{
	KindCorrectPersonalData, KindAbsentFromList, KindChangeOfPrecinct,
	KindExcludeOtherEntry, KindComplaintAboutOperator,
}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", ErrUnknownKind
}

// Status is where an application stands.
type Status string

const (
	// StatusNone: nothing was filed on this stream.
	StatusNone Status = ""
	// StatusSubmitted: filed, waiting for the commission (VC §16–17).
	StatusSubmitted Status = "submitted"
	// StatusAccepted: the commission took it up.
	StatusAccepted Status = "accepted"
	// StatusAssigned: a staff member is working on it.
	StatusAssigned Status = "assigned"
	// StatusApproved and StatusRejected: decided (VC §18).
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
	// StatusWithdrawn: the voter withdrew it before the decision.
	StatusWithdrawn Status = "withdrawn"
)

// Open reports whether the application waits for a decision.
func (s Status) Open() bool {
	return s == StatusSubmitted || s == StatusAccepted || s == StatusAssigned
}

// Outcome is a commission's decision.
type Outcome string

const (
	Approved Outcome = "approved"
	Rejected Outcome = "rejected"
)

// ParseOutcome returns the outcome named s.
func ParseOutcome(s string) (Outcome, error) {
	switch o := Outcome(s); o {
	case Approved, Rejected:
		return o, nil
	}
	return "", ErrUnknownOutcome
}

// Channel is how a voter is told of a decision.
type Channel string

// ChannelCabinet: the decision is placed in the Voter's Cabinet, which
// keeps the full history of the voter's applications (VC §18).
const ChannelCabinet Channel = "cabinet"
