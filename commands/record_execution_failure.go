package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
)

// NameRecordExecutionFailure is persisted: never change it.
const NameRecordExecutionFailure = "application.record_execution_failure"

// RecordExecutionFailure records that an approved decision could not be
// carried out (ApplicationExecutionFailed): the reactions send it when the
// command that carries out an approval is refused, or cannot be built for
// lack of data. The application then waits in the commission's to-do
// (the staff queue) with the reason, and the voter sees it.
type RecordExecutionFailure struct {
	bus.Envelope
	Application uuid.UUID `json:"application"`
	// Command is the name of the refused command, or "" when none could be
	// built.
	Command string `json:"command,omitempty"`
	// Code and Params are the refusal's stable code and message
	// parameters.
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
	// Detail is the refusal's text for the log.
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// CommandName implements Command.
func (RecordExecutionFailure) CommandName() string { return NameRecordExecutionFailure }

func (h *handlers) recordExecutionFailure() bus.Decider[RecordExecutionFailure, struct{}, *application.Application] {
	return bus.Decider[RecordExecutionFailure, struct{}, *application.Application]{
		Parse: func(c RecordExecutionFailure) (struct{}, error) {
			var f fields
			applicationFields(&f, c.Application, c.At)
			if c.Code == "" {
				f.ok(missingField("code"))
			}
			return struct{}{}, f.err()
		},
		Target: func(c RecordExecutionFailure, _ struct{}) *application.Application {
			return application.New(c.Application)
		},
		Decide: func(ctx context.Context, a *application.Application, c RecordExecutionFailure, _ struct{}) (any, error) {
			return nil, a.FailExecution(c.Command, c.Code, c.Params, c.Detail, c.At)
		},
	}
}
