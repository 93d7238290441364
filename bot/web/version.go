package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// VersionInfo is Dockerflow's version.json.
type VersionInfo struct {
	Source  string `json:"source"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Build   string `json:"build"`
}

// DefaultVersionFile is where the container image puts version.json
// (deploy/Dockerfile, deploy/version-json.sh).
const DefaultVersionFile = "/app/version.json"

// LoadVersion returns the body of /__version__: the file at path when it
// exists (the one baked into the image at build time), else fallback, built
// into the binary. A file that exists but is not a JSON object is an error,
// not a silent fallback.
func LoadVersion(path string, fallback VersionInfo) ([]byte, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || path == "":
		return json.Marshal(fallback)
	case err != nil:
		return nil, fmt.Errorf("web: version file: %w", err)
	}
	var obj map[string]any
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("web: version file %s is not a JSON object: %w", path, err)
	}
	return data, nil
}
