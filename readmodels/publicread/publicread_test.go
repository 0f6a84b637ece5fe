package publicread_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/readmodels/publicread"
)

// TestTypesHoldNoPersonalData: no type the portal reads has a field for a
// PIN, a birth date, a document or a home address (VP 3.7), so no page can
// show one by mistake. The address fields are the polling station's.
func TestTypesHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	forbidden := []string{"pin", "birth", "passport", "document", "apartment", "home", "stream", "sex"}
	seen := map[reflect.Type]bool{}
	var check func(reflect.Type, string)
	check = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Array || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			name := strings.ToLower(f.Name)
			for _, bad := range forbidden {
				if strings.Contains(name, bad) {
					t.Errorf("%s.%s looks like personal data", path, f.Name)
				}
			}
			check(f.Type, path+"."+f.Name)
		}
	}
	for _, v := range []any{publicread.Voter{}, publicread.VoterPage{}, publicread.Move{}, publicread.Precinct{},
		publicread.Region{}, publicread.Stats{}, publicread.Election{}, publicread.Totals{}} {
		ty := reflect.TypeOf(v)
		check(ty, ty.Name())
	}
}
