package postgres

import (
	"net/url"
	"strings"
)

// WithDatabase returns connString pointed at another database, keeping
// every other setting. It takes both the URL and the keyword/value form.
func WithDatabase(connString, database string) string {
	if strings.Contains(connString, "://") {
		if u, err := url.Parse(connString); err == nil {
			u.Path = "/" + database
			u.RawPath = ""
			return u.String()
		}
	}
	// In the keyword/value form the last dbname wins.
	return connString + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(database) + "'"
}
