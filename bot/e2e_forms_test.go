package bot

import (
	"os"
	"path/filepath"
	"testing"
)

// mustReadDemoForm reads one of the demo's forms, realistic text written
// for the seed.
func mustReadDemoForm(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("demo", "forms", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
