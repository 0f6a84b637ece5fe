package commission_test

import (
	"testing"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/contact"
)

func TestChangeContacts(t *testing.T) {
	t.Parallel()
	mustContacts := func(phone, email, address string) contact.Contacts {
		c, err := contact.ParseContacts(phone, email, address)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	change := func(k contact.Contacts) func(*commission.Commission) error {
		return func(c *commission.Commission) error { return c.ChangeContacts(k, t1) }
	}
	given := commission.CommissionContactsChanged{Commission: "TEC-0101", Phone: "+996 312 11 22 33", Email: "tec@example.kg", Address: "Бишкек ш., Чүй пр., 1", At: t0}
	spec.Run(t, []aggregatetest.Case[*commission.Commission]{
		{
			Name: "first contacts", Given: []any{tecRegistered},
			When: change(mustContacts(" +996  312 11 22 33 ", "tec@example.kg", "Бишкек ш., Чүй пр., 1")),
			Then: []any{commission.CommissionContactsChanged{Commission: "TEC-0101", Phone: "+996 312 11 22 33", Email: "tec@example.kg", Address: "Бишкек ш., Чүй пр., 1", At: t1}},
		},
		{
			Name: "a new phone", Given: []any{tecRegistered, given},
			When: change(mustContacts("1233", "tec@example.kg", "Бишкек ш., Чүй пр., 1")),
			Then: []any{commission.CommissionContactsChanged{Commission: "TEC-0101", Phone: "1233", Email: "tec@example.kg", Address: "Бишкек ш., Чүй пр., 1", At: t1}},
		},
		{Name: "the same contacts", Given: []any{tecRegistered, given}, When: change(mustContacts("+996 312 11 22 33", "tec@example.kg", "Бишкек ш., Чүй пр., 1")), Err: commission.ErrSameContacts},
		{Name: "an unregistered commission", When: change(mustContacts("1233", "", "")), Err: commission.ErrNotRegistered},
	})
	k := aggregatetest.Given(&commission.Commission{}, tecRegistered, given)
	if p, e, a := k.Contacts(); p != given.Phone || e != given.Email || a != given.Address {
		t.Errorf("Contacts() = %q, %q, %q", p, e, a)
	}
}
