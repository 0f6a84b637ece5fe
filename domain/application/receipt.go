package application

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/calendar"
)

// Receipt is the number a voter gets when filing (VC §15) and quotes to a
// commission: "A-260922-7K3M9-QXP4T", that is "A", the day of filing in
// Bishkek as YYMMDD, and ten characters of Crockford base32 taken from
// SHA-256 of the application ID.
//
// It is deterministic: one application ID always gives the same receipt
// for a given day, so a retried command yields the same number. It is
// unique in practice: two receipts collide only when two applications
// filed on the same Bishkek day share 50 hash bits; at 100 000
// applications a day that happens about once in 225 000 days. The read
// model's unique index on receipts is the backstop that would report it.
// Crockford's alphabet has no I, L, O or U, so a receipt read aloud or
// typed by hand is hard to get wrong, and ParseReceipt forgives the usual
// slips (o for 0, l or i for 1, lower case, missing dashes).
type Receipt struct {
	s string
}

// crockford is Crockford's base32 alphabet.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

const (
	receiptPrefix = "A"
	receiptChars  = 10 // 50 bits
	receiptGroup  = 5
)

// ReceiptFor returns the receipt of the application id filed on day (the
// Bishkek day of filing). Years 2000–2099 are written with two digits.
func ReceiptFor(id uuid.UUID, day calendar.Date) Receipt {
	sum := sha256.Sum256(id[:])
	bits := binary.BigEndian.Uint64(sum[:8])
	code := make([]byte, receiptChars)
	for i := range code {
		code[i] = crockford[bits>>(64-5*(i+1))&31]
	}
	return Receipt{s: fmt.Sprintf("%s-%02d%02d%02d-%s-%s", receiptPrefix,
		day.Year()%100, int(day.Month()), day.Day(), code[:receiptGroup], code[receiptGroup:])}
}

// ParseReceipt reads a receipt as a person may type it: any case, with or
// without dashes and spaces, O for 0, I or L for 1.
func ParseReceipt(s string) (Receipt, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		b.WriteRune(r)
	}
	n := b.String()
	// "A" + YYMMDD + code
	if len(n) != 1+6+receiptChars || n[:1] != receiptPrefix {
		return Receipt{}, ErrBadReceipt
	}
	for _, c := range n[1:7] {
		if c < '0' || c > '9' {
			return Receipt{}, ErrBadReceipt
		}
	}
	if _, err := calendar.ParseDate("20" + n[1:3] + "-" + n[3:5] + "-" + n[5:7]); err != nil {
		return Receipt{}, ErrBadReceipt
	}
	code := n[7:]
	for _, c := range code {
		if !strings.ContainsRune(crockford, c) {
			return Receipt{}, ErrBadReceipt
		}
	}
	return Receipt{s: receiptPrefix + "-" + n[1:7] + "-" + code[:receiptGroup] + "-" + code[receiptGroup:]}, nil
}

// String returns the receipt in its canonical form.
func (r Receipt) String() string { return r.s }

// IsZero reports whether r is no receipt.
func (r Receipt) IsZero() bool { return r.s == "" }

// Day returns the Bishkek day of filing the receipt shows.
func (r Receipt) Day() calendar.Date {
	if r.s == "" {
		return calendar.Date{}
	}
	d, _ := calendar.ParseDate("20" + r.s[2:4] + "-" + r.s[4:6] + "-" + r.s[6:8])
	return d
}
