package bugzillatest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stewardbot/stewardbot/internal/sharedtest"
)

// fixtureSets are the folders of testdata copied from ../shared/fixtures:
// the repository's one copy of the recorded server answers, read by this
// package's tests, the bugzilla package's and bot/web's.
var fixtureSets = []string{"bugzilla-5", "bmo"}

// TestFixturesMatchShared keeps the copy equal to the original recordings
// in ../shared/fixtures: the same files, byte for byte. It runs when
// ../shared is beside the repository and fails in CI when it is not.
func TestFixturesMatchShared(t *testing.T) {
	shared := sharedtest.Dir(t, "fixtures")
	for _, set := range fixtureSets {
		t.Run(set, func(t *testing.T) {
			want := readTree(t, filepath.Join(shared, set))
			got := readTree(t, filepath.Join("testdata", set))
			if diff := cmp.Diff(names(got), names(want)); diff != "" {
				t.Errorf("testdata/%s files (-copy +shared):\n%s", set, diff)
			}
			for name, w := range want {
				if g, ok := got[name]; ok && !bytes.Equal(g, w) {
					t.Errorf("testdata/%s/%s differs from ../shared/fixtures/%[1]s/%[2]s: copy it again", set, name)
				}
			}
		})
	}
}

// readTree reads every file under dir, keyed by its slash-separated path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return files
}

func names(files map[string][]byte) []string {
	out := make([]string, 0, len(files))
	for name := range files {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
