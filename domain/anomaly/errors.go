package anomaly

import "github.com/cec-kg/tizme/domain/failure"

// ErrWrongStream: a flag raised on the stream of another kind, election or
// subject (a programming error in the caller).
var ErrWrongStream = failure.New("anomaly.wrong_stream", "anomaly: the flag belongs to another stream")

// Messages returns the text of every error of this package, in Kyrgyz,
// Russian and English.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrWrongStream.Code(): {
			Ky: "Белги башка агымга таандык.",
			Ru: "Отметка относится к другому потоку.",
			En: "The flag belongs to another stream.",
		},
	}
}
