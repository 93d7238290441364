// Package sharedtest finds ../shared, the material kept beside the
// repository rather than in it: the reference Data Review forms (other
// people's prose, not ours to copy) and the original server recordings
// (copied into bugzilla/bugzillatest/testdata, which the tests read).
//
// Every test must pass from a clone with no ../shared beside it, so the
// checks against it are extras: they skip when it is missing, except in CI
// (env CI set), where a missing ../shared means the checkout is incomplete
// and the checks fail instead of passing unseen.
package sharedtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the folder ../shared/elem... beside the module root, or ends
// the test: skipped without CI, failed with CI.
func Dir(t testing.TB, elem ...string) string {
	t.Helper()
	dir, err := find(elem)
	if err == nil {
		return dir
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("sharedtest: %v; CI is set, so ../shared must be checked out beside the repository", err)
	}
	t.Skipf("sharedtest: %v (an extra check; set CI to make this an error)", err)
	return ""
}

// find locates the module root (the nearest folder up from the working
// directory with a go.mod) and the folder under ../shared beside it.
func find(elem []string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
		root = parent
	}
	dir := filepath.Join(append([]string{filepath.Dir(root), "shared"}, elem...)...)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("%s not found", dir)
	case err != nil:
		return "", err
	case !info.IsDir():
		return "", fmt.Errorf("%s is not a folder", dir)
	}
	return dir, nil
}
