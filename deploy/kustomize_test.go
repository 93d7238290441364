package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// kustomization is the part of kustomize's file these manifests use. It is
// decoded strictly: a misspelt or unexpected field fails the test.
type kustomization struct {
	APIVersion string           `yaml:"apiVersion"`
	Kind       string           `yaml:"kind"`
	Resources  []string         `yaml:"resources"`
	Images     []kustomizeImage `yaml:"images"`
}

// kustomizeImage replaces an image name in the Deployments of a kustomization.
type kustomizeImage struct {
	Name    string `yaml:"name"`
	NewName string `yaml:"newName"`
	NewTag  string `yaml:"newTag"`
}

func loadKustomization(t *testing.T, m manifest) kustomization {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(m.Data))
	dec.KnownFields(true)
	var k kustomization
	if err := dec.Decode(&k); err != nil {
		t.Fatalf("%v: %v", m, err)
	}
	return k
}

// Each kustomization lists resources that exist, lists every manifest of its
// folder except the *.example.yaml Secrets (which must never be applied over a
// real key, so are never listed), and names the image its Deployment uses.
func TestKustomizations(t *testing.T) {
	ms := loadManifests(t)
	files := map[string][]string{} // folder -> manifest files in it
	for _, m := range ms {
		dir := pathDir(m.Path)
		if !slices.Contains(files[dir], m.Path) {
			files[dir] = append(files[dir], m.Path)
		}
	}
	for _, dir := range []string{"base", "sqlite", "postgres"} {
		t.Run(dir, func(t *testing.T) {
			k := loadKustomization(t, find(t, ms, dir, "Kustomization", ""))
			if k.APIVersion != "kustomize.config.k8s.io/v1beta1" {
				t.Errorf("apiVersion = %q", k.APIVersion)
			}
			listed := map[string]bool{}
			for _, r := range k.Resources {
				p := path.Join(dir, r)
				if strings.HasSuffix(r, ".example.yaml") {
					t.Errorf("resource %s: apply -k would put the example's placeholder over the real Secret", r)
				}
				st, err := os.Stat(filepath.Join(kubeDir, filepath.FromSlash(p)))
				switch {
				case err != nil:
					t.Errorf("resource %s: %v", r, err)
				case st.IsDir():
					if _, err := os.Stat(filepath.Join(kubeDir, filepath.FromSlash(p), "kustomization.yaml")); err != nil {
						t.Errorf("resource %s is a folder without a kustomization.yaml", r)
					}
				default:
					listed[p] = true
				}
			}
			for _, f := range files[dir] {
				example := strings.HasSuffix(f, ".example.yaml")
				switch {
				case strings.HasSuffix(f, "/kustomization.yaml"):
				case !example && !listed[f]:
					t.Errorf("%s is not listed in resources", f)
				}
			}
			if dir == "base" {
				return
			}
			if !slices.Contains(k.Resources, "../base") {
				t.Errorf("resources %q do not include ../base", k.Resources)
			}
			image := deploymentOf(t, ms, dir).Spec.Template.Spec.Containers[0].Image
			if !slices.ContainsFunc(k.Images, func(i kustomizeImage) bool {
				return i.Name == image && i.NewName != "" && i.NewTag != ""
			}) {
				t.Errorf("images does not set name and tag for the Deployment's image %q", image)
			}
		})
	}
}

// kubectl's built-in kustomize builds each variant into the expected
// objects. kubectl is not needed elsewhere, so where it is missing this is
// skipped; the tests above check the same files without it.
func TestKustomizeBuild(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed, so `kubectl kustomize` cannot be run here")
	}
	for _, tc := range []struct {
		dir  string
		want []string
	}{
		{"sqlite", []string{"ConfigMap stewardbot-config", "Deployment stewardbot", "PersistentVolumeClaim stewardbot-state", "Service stewardbot"}},
		{"postgres", []string{"ConfigMap stewardbot-config", "Deployment stewardbot", "PodDisruptionBudget stewardbot", "Service stewardbot"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			var stderr bytes.Buffer
			cmd := exec.Command(kubectl, "kustomize", filepath.Join(kubeDir, tc.dir))
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("kubectl kustomize %s: %v\n%s", tc.dir, err, stderr.Bytes())
			}
			docs, err := splitYAML(out)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, doc := range docs {
				var head struct {
					Kind     string
					Metadata struct{ Name string }
				}
				if err := yaml.Unmarshal(doc, &head); err != nil {
					t.Fatal(err)
				}
				got = append(got, head.Kind+" "+head.Metadata.Name)
			}
			slices.Sort(got)
			if d := cmp.Diff(got, tc.want); d != "" {
				t.Errorf("objects built (-got +want):\n%s", d)
			}
		})
	}
}
