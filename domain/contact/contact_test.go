package contact_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, phone, email, address string
		err                         error
	}{
		{name: "all given", phone: "+996 (312) 62-20-20", email: "info@shailoo.gov.kg", address: "Бишкек ш., Пушкин к., 4"},
		{name: "short number", phone: "1233"},
		{name: "nothing"},
		{name: "letters in the phone", phone: "call 1233", err: contact.ErrPhone},
		{name: "two digits", phone: "12", err: contact.ErrPhone},
		{name: "phone too long", phone: strings.Repeat("1", contact.MaxPhone+1), err: contact.ErrPhone},
		{name: "no at", email: "info.shailoo.gov.kg", err: contact.ErrEmail},
		{name: "no dot", email: "info@localhost", err: contact.ErrEmail},
		{name: "space in e-mail", email: "in fo@shailoo.gov.kg", err: contact.ErrEmail},
		{name: "two ats", email: "a@b@c.kg", err: contact.ErrEmail},
		{name: "control in address", address: "Бишкек\u200b", err: contact.ErrAddress},
		{name: "address too long", address: strings.Repeat("ы", contact.MaxAddress+1), err: contact.ErrAddress},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := contact.ParseContacts(c.phone, c.email, c.address)
			if !errors.Is(err, c.err) || (c.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if c.err == nil && got.Email().String() != c.email {
				t.Errorf("email = %q", got.Email())
			}
		})
	}
	p, _ := contact.ParsePhone("  +996   312 1 ")
	if p.String() != "+996 312 1" {
		t.Errorf("phone = %q, want spaces folded", p)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, contact.Messages(), os.DirFS("."))
}
