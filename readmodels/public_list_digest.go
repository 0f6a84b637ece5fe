package readmodels

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// PublicListDigest is the hex SHA-256 of the public list as the portal
// publishes it (VP 3.6–3.7): every entry of voter_list shown to the public
// (eligible is not false), one line each,
//
//	precinct TAB tec TAB surname TAB given_name TAB patronymic LF
//
// in UTF-8, the precinct in decimal, a backslash, tab or line feed inside
// a field written as \\, \t, \n; lines sorted by precinct (as a number),
// then surname, given name and patronymic (as bytes). Namesakes give
// identical lines, so the order is fully determined by what is public.
// The voter stream is not covered: it is not public.
//
// It also returns the number of lines. Run it in the snapshot the caller
// wants digested (a REPEATABLE READ transaction).
func PublicListDigest(ctx context.Context, q Querier) (digest string, rows int64, err error) {
	r, err := q.Query(ctx, `SELECT precinct, tec, surname, given_name, patronymic FROM `+VoterListTable+`
		WHERE eligible IS NOT FALSE
		ORDER BY precinct, surname COLLATE "C", given_name COLLATE "C", patronymic COLLATE "C"`)
	if err != nil {
		return "", 0, fmt.Errorf("public list digest: %w", err)
	}
	defer r.Close()
	h := sha256.New()
	var (
		precinct                        int
		tec, surname, given, patronymic string
		line                            []byte
	)
	for r.Next() {
		if err := r.Scan(&precinct, &tec, &surname, &given, &patronymic); err != nil {
			return "", 0, fmt.Errorf("public list digest: %w", err)
		}
		line = strconv.AppendInt(line[:0], int64(precinct), 10)
		for _, f := range []string{tec, surname, given, patronymic} {
			line = append(line, '\t')
			line = append(line, digestEscaper.Replace(f)...)
		}
		line = append(line, '\n')
		h.Write(line)
		rows++
	}
	if err := r.Err(); err != nil {
		return "", 0, fmt.Errorf("public list digest: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), rows, nil
}

var digestEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`)
