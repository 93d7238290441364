package bugzilla

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// How the client reads each upstream recording, by number. Error answers
// are checked in errors_test.go; the rest are requests the client never
// makes (setup writes, extensions, password login, flag types).
var (
	answerOf        = map[int]func() any{}
	errorRecordings = []int{12, 45, 46, 47, 48, 54, 55, 56, 72, 82, 83, 84, 97, 99, 100, 101, 102, 103, 104, 105,
		106, 107, 108, 109, 110, 111, 117, 119}
	notRead = []int{1, 2, 3, 4, 5, 6, 7, 8, 11, 15, 17}
)

func init() {
	set := func(f func() any, nums ...int) {
		for _, n := range nums {
			answerOf[n] = f
		}
	}
	set(func() any { return new(versionAnswer) }, 10)
	set(func() any { return new(validLoginAnswer) }, 13, 14, 115, 116, 121)
	set(func() any { return new(usersAnswer) }, 16)
	set(func() any { return new(bugsAnswer) }, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
		35, 36, 66, 71, 75, 76, 78, 98, 118, 122)
	set(func() any { return new(attachmentsAnswer) }, 37, 38, 39, 40, 41, 42, 43, 44, 49, 79, 81, 86, 87, 90, 92, 94, 96)
	set(func() any { return new(commentsAnswer) }, 50, 57, 61, 62, 63, 64)
	set(func() any { return new(newIDAnswer) }, 51, 52, 53, 120)
	set(func() any { return new([]string) }, 58, 59, 60)
	set(func() any { return new(bugUpdateAnswer) }, 65, 67, 68, 69, 70, 73, 74, 77)
	set(func() any { return new(attachmentUpdateAnswer) }, 9, 80, 85, 88, 89, 91, 93, 95)
	set(func() any { return new(historyAnswer) }, 112, 113, 114)
}

var recordingNumber = regexp.MustCompile(`^(\d+)-.*\.json$`)

// allRecordings lists the upstream recordings by number.
func allRecordings(t *testing.T) map[int]string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(fixturesDir, "bugzilla-5"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, e := range entries {
		m := recordingNumber.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		var n int
		for _, r := range m[1] {
			n = n*10 + int(r-'0')
		}
		out[n] = e.Name()
	}
	if len(out) < 100 {
		t.Fatalf("found only %d recordings in %s", len(out), fixturesDir)
	}
	return out
}

// TestRecordingsClassified makes sure a new recording is not silently
// left out of the golden tests.
func TestRecordingsClassified(t *testing.T) {
	classified := map[int]string{}
	mark := func(kind string, nums ...int) {
		for _, n := range nums {
			if prev, ok := classified[n]; ok {
				t.Errorf("recording %d classified twice (%s, %s)", n, prev, kind)
			}
			classified[n] = kind
		}
	}
	for n := range answerOf {
		mark("answer", n)
	}
	mark("error", errorRecordings...)
	mark("not read", notRead...)
	for n, name := range allRecordings(t) {
		if _, ok := classified[n]; !ok {
			t.Errorf("recording %s is in no golden table", name)
		}
	}
}

// TestRecordingsDecodeWithoutLoss decodes every answer the client reads into
// the client's own types, encodes the result again and checks that every
// key the types model kept its value (0/1 booleans, absent requestees,
// null attachment ids and base64 data included).
func TestRecordingsDecodeWithoutLoss(t *testing.T) {
	for n, name := range allRecordings(t) {
		newAnswer, ok := answerOf[n]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			raw := recording(t, name)
			v := newAnswer()
			if err := json.Unmarshal(raw, v); err != nil {
				t.Fatalf("decode: %v", err)
			}
			var orig any
			if err := json.Unmarshal(raw, &orig); err != nil {
				t.Fatal(err)
			}
			assertLossless(t, "$", orig, v)
		})
	}
}

// assertLossless compares orig (a recording decoded generically) with v
// (the same recording decoded into the client's types).
// reporter is the part of *testing.T the comparison uses, so that a test can
// check the comparison itself catches losses.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

func assertLossless(t reporter, path string, orig any, v any) {
	t.Helper()
	enc, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: encode: %v", path, err)
	}
	var got any
	if err := json.Unmarshal(enc, &got); err != nil {
		t.Fatal(err)
	}
	compareJSON(t, path, orig, got, reflect.ValueOf(v))
}

var timeType = reflect.TypeFor[time.Time]()

func compareJSON(t reporter, path string, orig, got any, v reflect.Value) {
	t.Helper()
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			if !zeroJSON(orig) {
				t.Errorf("%s: recording has %v, decoded value is nil", path, orig)
			}
			return
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == timeType:
		want, err := parseTime(asString(orig))
		if err != nil {
			t.Errorf("%s: recording time %v: %v", path, orig, err)
			return
		}
		if !v.Interface().(time.Time).Equal(want) {
			t.Errorf("%s: time %v, recording %v", path, v.Interface(), orig)
		}
	case v.Kind() == reflect.Struct:
		om, _ := orig.(map[string]any)
		gm, _ := got.(map[string]any)
		if orig != nil && om == nil {
			t.Errorf("%s: recording has %T, want an object", path, orig)
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if !f.IsExported() || name == "-" || name == "" {
				continue
			}
			o, inOrig := om[name]
			g, inGot := gm[name]
			p := path + "." + name
			switch {
			case !inOrig || o == nil:
				if inGot && !zeroJSON(g) {
					t.Errorf("%s: decoded %v, but the recording has no value", p, g)
				}
			case !inGot:
				if !zeroJSON(o) {
					t.Errorf("%s: recording has %v, decoded value lost it", p, o)
				}
			default:
				compareJSON(t, p, o, g, v.Field(i))
			}
		}
		if a, ok := v.Interface().(Attachment); ok {
			compareAttachmentData(t, path, om, &a)
		}
	case v.Kind() == reflect.Slice:
		os, _ := orig.([]any)
		gs, _ := got.([]any)
		if len(os) != len(gs) || len(os) != v.Len() {
			t.Errorf("%s: %d elements decoded, recording has %d", path, v.Len(), len(os))
			return
		}
		for i := range os {
			compareJSON(t, path+"["+itoa(i)+"]", os[i], gs[i], v.Index(i))
		}
	case v.Kind() == reflect.Map:
		om, _ := orig.(map[string]any)
		gm, _ := got.(map[string]any)
		if len(om) != len(gm) || len(om) != v.Len() {
			t.Errorf("%s: %d keys decoded, recording has %d", path, v.Len(), len(om))
			return
		}
		for k, o := range om {
			mv := v.MapIndex(reflect.ValueOf(k))
			if !mv.IsValid() {
				t.Errorf("%s: key %q lost", path, k)
				continue
			}
			compareJSON(t, path+"."+k, o, gm[k], mv)
		}
	case v.Kind() == reflect.Bool:
		if jsonBool(orig) != v.Bool() {
			t.Errorf("%s: decoded %v, recording %v", path, v.Bool(), orig)
		}
	default:
		if !reflect.DeepEqual(orig, got) {
			t.Errorf("%s: decoded %v, recording %v", path, got, orig)
		}
	}
}

func compareAttachmentData(t reporter, path string, orig map[string]any, a *Attachment) {
	t.Helper()
	d, ok := orig["data"].(string)
	if !ok {
		if a.Data != nil {
			t.Errorf("%s.data: decoded %d bytes, recording has none", path, len(a.Data))
		}
		return
	}
	want, err := base64.StdEncoding.DecodeString(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(a.Data) != string(want) {
		t.Errorf("%s.data: decoded content differs from the recording's base64", path)
	}
	if int64(len(a.Data)) != a.Size {
		t.Errorf("%s: %d bytes of data, size says %d", path, len(a.Data), a.Size)
	}
}

func asString(v any) string { s, _ := v.(string); return s }

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// jsonBool reads the spellings of a boolean Bugzilla uses.
func jsonBool(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x == "1" || x == "true"
	}
	return false
}

// zeroJSON reports whether a JSON value carries no information.
func zeroJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == "" || x == "0001-01-01T00:00:00Z"
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// countingReporter counts the losses the comparison reports.
type countingReporter struct {
	*testing.T
	errs []string
}

func (r *countingReporter) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestLosslessCatchesLoss checks that the golden comparison fails when a
// decoder drops or changes something.
func TestLosslessCatchesLoss(t *testing.T) {
	raw := recording(t, "41-attachments-multi-id.json")
	var orig any
	if err := json.Unmarshal(raw, &orig); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		mangle func(*attachmentsAnswer)
	}{
		{"0/1 boolean lost", func(r *attachmentsAnswer) { a := r.Attachments["2"]; a.IsPrivate = false; r.Attachments["2"] = a }},
		{"requestee invented", func(r *attachmentsAnswer) { r.Attachments["3"].Flags[0].Requestee = "x@example.test" }},
		{"requestee lost", func(r *attachmentsAnswer) { r.Attachments["1"].Flags[0].Requestee = "" }},
		{"time shifted", func(r *attachmentsAnswer) {
			a := r.Attachments["1"]
			a.CreationTime = a.CreationTime.Add(time.Second)
			r.Attachments["1"] = a
		}},
		{"attachment dropped", func(r *attachmentsAnswer) { delete(r.Attachments, "2") }},
		{"flag dropped", func(r *attachmentsAnswer) { r.Attachments["1"].Flags[0] = Flag{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r attachmentsAnswer
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			tc.mangle(&r)
			rep := &countingReporter{T: t}
			assertLossless(rep, "$", orig, &r)
			if len(rep.errs) == 0 {
				t.Error("the comparison did not notice")
			}
		})
	}
}

// Explicit expectations for the shapes the README warns about.
func TestDecodeSurprises(t *testing.T) {
	ts := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }

	t.Run("flag without requestee and 0/1 booleans", func(t *testing.T) {
		var r attachmentsAnswer
		if err := json.Unmarshal(recording(t, "41-attachments-multi-id.json"), &r); err != nil {
			t.Fatal(err)
		}
		want := Attachment{
			ID: 3, BugID: 3, FileName: "data-review-request-prefs.md", Summary: "Data review request (prefs events)",
			ContentType: "text/plain", Size: 1920, Creator: "dev1@example.test",
			CreationTime: ts("2026-11-28T20:22:38Z"), LastChangeTime: ts("2026-11-28T20:22:38Z"),
			Flags: []Flag{{ID: 3, Name: "data-review", TypeID: 1, Status: "?", Setter: "dev1@example.test",
				CreationDate: ts("2026-11-28T20:22:38Z"), ModificationDate: ts("2026-11-28T20:22:38Z")}},
		}
		if diff := cmp.Diff(r.Attachments["3"], want); diff != "" {
			t.Errorf("attachment 3 (-got +want):\n%s", diff)
		}
		if !r.Attachments["2"].IsPrivate {
			t.Error("attachment 2: is_private 1 decoded as false")
		}
	})

	t.Run("comment attachment_id null and set", func(t *testing.T) {
		var r commentsAnswer
		if err := json.Unmarshal(recording(t, "50-bug-comments.json"), &r); err != nil {
			t.Fatal(err)
		}
		got := r.Bugs["1"].Comments
		want := []Comment{
			{ID: 1, BugID: 1, Count: 0, Text: "We want to measure how often tabs are unloaded under memory pressure.",
				Creator: "dev1@example.test", Time: ts("2026-11-28T20:22:29Z"), CreationTime: ts("2026-11-28T20:22:29Z"), Tags: []string{}},
			{ID: 2, BugID: 1, AttachmentID: 1, Count: 1, Text: "Created attachment 1\nData review request\n\nData review request form attached.",
				Creator: "dev1@example.test", Time: ts("2026-11-28T20:22:30Z"), CreationTime: ts("2026-11-28T20:22:30Z"), Tags: []string{}},
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("comments (-got +want):\n%s", diff)
		}
	})

	t.Run("BMO whoami", func(t *testing.T) {
		_, body := bmoFixture(t, "whoami.json", "code_response")
		var u User
		if err := json.Unmarshal(body, &u); err != nil {
			t.Fatal(err)
		}
		want := User{ID: 2, Name: "bot@example.test", RealName: "Data Review Bot", Nick: "bot",
			Groups: []string{"canconfirm", "editbugs", "insiders"}}
		if diff := cmp.Diff(u, want); diff != "" {
			t.Errorf("whoami (-got +want):\n%s", diff)
		}
	})

	t.Run("BMO whoami as documented, id a string", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(fixturesDir, "bmo", "whoami.json"))
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			Doc User `json:"documented_response"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			t.Fatal(err)
		}
		want := User{ID: 1234, Name: "user@bugzilla.org", RealName: "Test User", Nick: "user"}
		if diff := cmp.Diff(w.Doc, want); diff != "" {
			t.Errorf("documented whoami (-got +want):\n%s", diff)
		}
	})

	t.Run("user with group objects", func(t *testing.T) {
		var r usersAnswer
		if err := json.Unmarshal(recording(t, "16-user-get-steward1.json"), &r); err != nil {
			t.Fatal(err)
		}
		want := []User{{ID: 3, Name: "steward1@example.test", Email: "steward1@example.test", RealName: "Steward One", CanLogin: true}}
		if diff := cmp.Diff(r.Users, want); diff != "" {
			t.Errorf("users (-got +want):\n%s", diff)
		}
		var u User
		if err := json.Unmarshal([]byte(`{"id":1,"name":"a@b","groups":[{"id":9,"name":"insiders","description":"x"}],
			"requests":{"needinfo":{"blocked":true,"pending":3},"review":{"blocked":false,"pending":1},"feedback":{"blocked":false,"pending":0}}}`), &u); err != nil {
			t.Fatal(err)
		}
		want2 := User{ID: 1, Name: "a@b", Groups: []string{"insiders"},
			Requests: &UserRequests{Needinfo: RequestState{Blocked: true, Pending: 3}, Review: RequestState{Pending: 1}}}
		if diff := cmp.Diff(u, want2); diff != "" {
			t.Errorf("BMO user (-got +want):\n%s", diff)
		}
	})

	// BMO's User.get sends last_seen_date and last_activity_time (dateTime,
	// null when never) to a logged-in caller; upstream 5.2 sends neither
	// (the recording above), and a missing or null date stays zero: unknown.
	t.Run("BMO user last activity", func(t *testing.T) {
		for _, tc := range []struct {
			name, body string
			want       time.Time
		}{
			{"a date", `{"id":1,"name":"a@b","last_seen_date":"2025-01-02T03:04:05Z","last_activity_time":"2024-05-06T07:08:09Z"}`, time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)},
			{"null", `{"id":1,"name":"a@b","last_activity_time":null}`, time.Time{}},
			{"missing", `{"id":1,"name":"a@b"}`, time.Time{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var u User
				if err := json.Unmarshal([]byte(tc.body), &u); err != nil {
					t.Fatal(err)
				}
				if !u.LastActivity.Equal(tc.want) || u.LastActivity.IsZero() != tc.want.IsZero() {
					t.Errorf("LastActivity = %v, want %v", u.LastActivity, tc.want)
				}
			})
		}
		var u User
		if err := json.Unmarshal([]byte(`{"id":1,"name":"a@b","last_activity_time":"yesterday"}`), &u); err == nil {
			t.Error("a last_activity_time that is not a time decoded without error")
		}
	})

	t.Run("BMO flag activity", func(t *testing.T) {
		_, body := bmoFixture(t, "flag_activity.json", "response")
		var rows []FlagActivity
		if err := json.Unmarshal(body, &rows); err != nil {
			t.Fatal(err)
		}
		utc := func(s string) time.Time { v, _ := time.ParseInLocation(time.DateTime, s, time.UTC); return v }
		want := []FlagActivity{
			{ID: 101, FlagID: 1, BugID: 1, AttachmentID: 1, CreationTime: utc("2026-11-28 20:22:30"), Status: "?",
				Setter: "dev1@example.test", Requestee: "steward1@example.test", TypeID: 1, TypeName: "data-review"},
			{ID: 107, FlagID: 1, BugID: 1, AttachmentID: 1, CreationTime: utc("2026-11-28 20:23:50"), Status: "?",
				Setter: "dev1@example.test", Requestee: "steward2@example.test", TypeID: 1, TypeName: "data-review"},
			{ID: 110, FlagID: 1, BugID: 1, AttachmentID: 1, CreationTime: utc("2026-11-28 20:24:02"), Status: "+",
				Setter: "steward2@example.test", TypeID: 1, TypeName: "data-review"},
		}
		if diff := cmp.Diff(rows, want); diff != "" {
			t.Errorf("flag activity (-got +want):\n%s", diff)
		}
	})

	t.Run("BMO flag activity, documented bug flag with null attachment", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(fixturesDir, "bmo", "flag_activity.json"))
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			Doc []FlagActivity `json:"documented_example"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			t.Fatal(err)
		}
		want := []FlagActivity{{ID: 1449303, FlagID: 1637223, BugID: 1395127,
			CreationTime: time.Date(2018, 10, 10, 12, 41, 0, 0, time.UTC), Status: "?",
			Setter: "user@mozilla.com", Requestee: "user@mozilla.com", TypeID: 800, TypeName: "needinfo"}}
		if diff := cmp.Diff(w.Doc, want); diff != "" {
			t.Errorf("documented flag activity (-got +want):\n%s", diff)
		}
	})

	t.Run("attachment update changes as strings", func(t *testing.T) {
		var r attachmentUpdateAnswer
		if err := json.Unmarshal(recording(t, "09-mark-attachment-private.json"), &r); err != nil {
			t.Fatal(err)
		}
		want := []UpdateResult{{ID: 2, LastChangeTime: ts("2026-11-28T20:22:42Z"),
			Changes: map[string]FieldChange{"is_private": {Added: "1", Removed: "0"}}}}
		if diff := cmp.Diff(r.Attachments, want); diff != "" {
			t.Errorf("update (-got +want):\n%s", diff)
		}
	})
}

func TestDecodeRejectsBadValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		into any
		in   string
	}{
		{"bool as 2", new(Attachment), `{"id":1,"is_private":2}`},
		{"bool as word", new(Attachment), `{"id":1,"is_patch":"yes"}`},
		{"bad base64", new(Attachment), `{"id":1,"data":"not base64!"}`},
		{"time garbage", new(FlagActivity), `{"id":1,"creation_time":"yesterday"}`},
		{"user as number", new(FlagActivity), `{"id":1,"setter":42}`},
		{"id as word", new(User), `{"id":"abc","name":"x"}`},
		{"group as number", new(User), `{"id":1,"groups":[7]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(tc.in), tc.into); err == nil {
				t.Errorf("decoding %s: no error", tc.in)
			}
		})
	}
}
