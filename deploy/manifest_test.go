package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// kubeDir holds the Kubernetes manifests, relative to this package.
const kubeDir = "kubernetes"

// manifest is one YAML document under kubernetes/.
type manifest struct {
	Path string // slash-separated, relative to kubeDir
	Kind string
	Name string // metadata.name; empty for a Kustomization
	Data []byte // the document alone, re-encoded
}

// String names a manifest in test output.
func (m manifest) String() string { return m.Path + ": " + m.Kind + " " + m.Name }

// loadManifests reads every YAML document of every .yaml file under kubeDir.
// A file that does not parse, an empty document, or a document without
// apiVersion or kind fails the test: kubectl would refuse it too.
func loadManifests(t *testing.T) []manifest {
	t.Helper()
	var out []manifest
	err := filepath.WalkDir(kubeDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".yaml":
		case ".yml", ".json":
			return fmt.Errorf("%s: name manifests *.yaml, as the rest are", path)
		default:
			return nil
		}
		rel, err := filepath.Rel(kubeDir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		docs, err := splitYAML(data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for i, doc := range docs {
			var head struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string `yaml:"kind"`
				Metadata   struct {
					Name string `yaml:"name"`
				} `yaml:"metadata"`
			}
			if err := yaml.Unmarshal(doc, &head); err != nil {
				return fmt.Errorf("%s: document %d: %w", path, i+1, err)
			}
			if head.APIVersion == "" || head.Kind == "" {
				return fmt.Errorf("%s: document %d has no apiVersion or kind", path, i+1)
			}
			out = append(out, manifest{Path: filepath.ToSlash(rel), Kind: head.Kind, Name: head.Metadata.Name, Data: doc})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no manifests under %s", kubeDir)
	}
	return out
}

// splitYAML splits a multi-document YAML stream into its documents, each
// re-encoded on its own. An empty document is an error.
func splitYAML(data []byte) ([][]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs [][]byte
	for i := 1; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			return nil, fmt.Errorf("document %d is not a mapping", i)
		}
		doc, err := yaml.Marshal(&n)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		docs = append(docs, doc)
	}
}

// find returns the one manifest of kind and name in dir (a folder under
// kubeDir), failing the test unless there is exactly one.
func find(t *testing.T, ms []manifest, dir, kind, name string) manifest {
	t.Helper()
	var found []manifest
	for _, m := range ms {
		if pathDir(m.Path) == dir && m.Kind == kind && m.Name == name {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s %q in %s/%s, found %v", kind, name, kubeDir, dir, found)
	}
	return found[0]
}

// pathDir is the folder of a slash-separated path.
func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// decode unmarshals a manifest into v, failing the test on error.
func decode(t *testing.T, m manifest, v any) {
	t.Helper()
	if err := yaml.Unmarshal(m.Data, v); err != nil {
		t.Fatalf("%v: %v", m, err)
	}
}

func TestSplitYAML(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     int    // documents
		err      string // substring of the error, if one is expected
	}{
		{name: "one", in: "kind: A\n", want: 1},
		{name: "two", in: "kind: A\n---\nkind: B\n", want: 2},
		{name: "leading separator", in: "---\nkind: A\n", want: 1},
		{name: "empty document", in: "kind: A\n---\n---\nkind: B\n", err: "not a mapping"},
		{name: "scalar", in: "hello\n", err: "not a mapping"},
		{name: "bad YAML", in: "kind: [A\n", err: "did not find"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := splitYAML([]byte(tc.in))
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
			case err != nil:
				t.Fatal(err)
			case len(docs) != tc.want:
				t.Fatalf("got %d documents, want %d", len(docs), tc.want)
			}
		})
	}
}

// Every document under kubernetes/ parses, and the set of objects is exactly
// the one deploy/README.md describes: no more, no fewer.
func TestKubernetesKinds(t *testing.T) {
	var got []string
	for _, m := range loadManifests(t) {
		got = append(got, m.String())
	}
	slices.Sort(got)
	want := []string{
		"base/configmap.yaml: ConfigMap stewardbot-config",
		"base/kustomization.yaml: Kustomization ",
		"base/secret.example.yaml: Secret stewardbot-bugzilla",
		"base/service.yaml: Service stewardbot",
		"postgres/deployment.yaml: Deployment stewardbot",
		"postgres/kustomization.yaml: Kustomization ",
		"postgres/poddisruptionbudget.yaml: PodDisruptionBudget stewardbot",
		"postgres/secret.example.yaml: Secret stewardbot-postgres",
		"sqlite/deployment.yaml: Deployment stewardbot",
		"sqlite/kustomization.yaml: Kustomization ",
		"sqlite/pvc.yaml: PersistentVolumeClaim stewardbot-state",
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("manifests (-got +want):\n%s", d)
	}
}
