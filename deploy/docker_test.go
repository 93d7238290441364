package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	Cmd  string // upper case: FROM, RUN, COPY, ...
	Args string
	Line int
}

// stage is one FROM and the instructions under it.
type stage struct {
	From  string // the image, without --platform
	Name  string // AS name, or ""
	Instr []instruction
}

// parseDockerfile splits a Dockerfile into stages. It understands what this
// Dockerfile uses: comments (also inside continued lines, as Docker drops
// them), backslash continuations, and FROM [--platform=P] IMAGE [AS NAME].
func parseDockerfile(data []byte) ([]stage, error) {
	var stages []stage
	sc := bufio.NewScanner(bytes.NewReader(data))
	n, start, pending := 0, 0, ""
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue // a comment, or a parser directive (# syntax=...)
		}
		if pending == "" {
			start = n
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			pending += cont + " "
			continue
		}
		line, pending = pending+line, ""
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args), Line: start}
		if in.Cmd == "FROM" {
			f := strings.Fields(in.Args)
			f = slices.DeleteFunc(f, func(s string) bool { return strings.HasPrefix(s, "--platform=") })
			switch {
			case len(f) == 1:
				stages = append(stages, stage{From: f[0]})
			case len(f) == 3 && strings.EqualFold(f[1], "AS"):
				stages = append(stages, stage{From: f[0], Name: f[2]})
			default:
				return nil, fmt.Errorf("line %d: cannot read FROM %s", start, in.Args)
			}
			continue
		}
		if len(stages) == 0 {
			if in.Cmd == "ARG" {
				continue // an ARG before the first FROM
			}
			return nil, fmt.Errorf("line %d: %s before any FROM", start, in.Cmd)
		}
		stages[len(stages)-1].Instr = append(stages[len(stages)-1].Instr, in)
	}
	if pending != "" {
		return nil, fmt.Errorf("the file ends in a continued line")
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("no FROM")
	}
	return stages, sc.Err()
}

// all returns the arguments of every instruction cmd in s.
func (s stage) all(cmd string) []string {
	var out []string
	for _, in := range s.Instr {
		if in.Cmd == cmd {
			out = append(out, in.Args)
		}
	}
	return out
}

// last returns the arguments of the last instruction cmd in s: the one that
// counts for USER, WORKDIR, ENTRYPOINT and CMD.
func (s stage) last(cmd string) string {
	all := s.all(cmd)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}

func loadDockerfile(t *testing.T) []stage {
	t.Helper()
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	stages, err := parseDockerfile(data)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: want a build stage and a runtime stage, got %d stages", len(stages))
	}
	return stages
}

func TestParseDockerfile(t *testing.T) {
	in := "# syntax=docker/dockerfile:1\nARG X\nFROM --platform=$BUILDPLATFORM golang:1 AS build\nRUN a \\\n  # dropped\n  b\nFROM scratch\nUSER 1\n"
	got, err := parseDockerfile([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []stage{
		{From: "golang:1", Name: "build", Instr: []instruction{{Cmd: "RUN", Args: "a  b", Line: 4}}},
		{From: "scratch", Instr: []instruction{{Cmd: "USER", Args: "1", Line: 8}}},
	}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("(-got +want):\n%s", d)
	}
	for _, bad := range []string{"RUN x\n", "FROM a b\n", "FROM a \\\n", ""} {
		if _, err := parseDockerfile([]byte(bad)); err == nil {
			t.Errorf("parseDockerfile(%q): no error", bad)
		}
	}
}

func TestDockerfile(t *testing.T) {
	stages := loadDockerfile(t)
	build, final := stages[0], stages[len(stages)-1]

	if build.From != "golang:1.26" {
		t.Errorf("build stage FROM %s, want golang:1.26 (go.mod's Go)", build.From)
	}
	if !strings.HasPrefix(final.From, "gcr.io/distroless/static-debian12") {
		t.Errorf("runtime stage FROM %s, want gcr.io/distroless/static-debian12", final.From)
	}

	// The build: static, reproducible paths, stripped, versioned.
	var goBuild string
	for _, r := range build.all("RUN") {
		if strings.Contains(r, "go build") {
			goBuild = r
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w -X main.version=${VERSION}"`, "./cmd/stewardbot", "-o /out/app/stewardbot"} {
		if !strings.Contains(goBuild, want) {
			t.Errorf("go build %q: want %s", goBuild, want)
		}
	}
	for _, arg := range []string{"VERSION", "COMMIT", "SOURCE_URL", "BUILD_URL"} {
		if !slices.ContainsFunc(build.all("ARG"), func(a string) bool { return a == arg || strings.HasPrefix(a, arg+"=") }) {
			t.Errorf("build stage: no ARG %s", arg)
		}
	}
	// version-json.sh takes SOURCE VERSION COMMIT BUILD, in that order.
	wantJSON := `sh deploy/version-json.sh "$SOURCE_URL" "$VERSION" "$COMMIT" "$BUILD_URL" > /out/app/version.json`
	if !slices.Contains(build.all("RUN"), wantJSON) {
		t.Errorf("build stage: want RUN %s", wantJSON)
	}

	// The runtime: the binary and version.json in /app, non-root, the state
	// directory a volume owned by the bot and its working directory.
	if !slices.Contains(final.all("COPY"), "--from="+build.Name+" /out/app/ /app/") {
		t.Errorf("runtime stage: want COPY --from=%s /out/app/ /app/ (binary and version.json)", build.Name)
	}
	if !slices.ContainsFunc(final.all("COPY"), func(c string) bool {
		return strings.Contains(c, "--chown=10001:10001") && strings.HasSuffix(c, " /var/lib/stewardbot")
	}) {
		t.Errorf("runtime stage: /var/lib/stewardbot must be copied in owned by 10001:10001")
	}
	checks := []struct{ cmd, want string }{
		{"USER", "10001:10001"},
		{"WORKDIR", "/var/lib/stewardbot"},
		{"VOLUME", `["/var/lib/stewardbot"]`},
		{"EXPOSE", "8080"},
		{"ENTRYPOINT", `["/app/stewardbot"]`},
		{"CMD", `["run", "--config", "/etc/stewardbot/config.yaml"]`},
	}
	for _, c := range checks {
		if got := final.last(c.cmd); got != c.want {
			t.Errorf("runtime stage: %s %s, want %s", c.cmd, got, c.want)
		}
	}
	for _, s := range stages {
		if strings.HasSuffix(s.From, ":latest") || (!strings.Contains(s.From, ":") && !strings.Contains(s.From, "@")) {
			t.Errorf("FROM %s: name a tag or digest", s.From)
		}
	}
}

// The image's store default lands in its volume: the example config's
// store.dsn is relative, and the working directory is the volume.
func TestDockerStoreDefault(t *testing.T) {
	data, err := os.ReadFile("config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := bot.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	final := loadDockerfile(t)[1]
	if filepath.IsAbs(cfg.Store.DSN) || final.last("WORKDIR") != "/var/lib/stewardbot" {
		t.Errorf("store.dsn %q in WORKDIR %s: the store would not be in the volume", cfg.Store.DSN, final.last("WORKDIR"))
	}
}

// -X main.version works only on a package-level string variable of package
// main: check that cmd/stewardbot still has one by that name.
func TestVersionVariable(t *testing.T) {
	const file = "../cmd/stewardbot/version.go"
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name.Name != "main" {
		t.Fatalf("%s is package %s, not main", file, f.Name.Name)
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if name.Name != "version" {
					continue
				}
				typ, _ := vs.Type.(*ast.Ident)
				lit, _ := valueAt(vs.Values, i).(*ast.BasicLit)
				if (typ != nil && typ.Name == "string") || (lit != nil && lit.Kind == token.STRING) {
					return
				}
				t.Fatalf("%s: var version is not a string, so -X main.version would not set it", file)
			}
		}
	}
	t.Fatalf("%s: no package-level var version for -X main.version to set", file)
}

func valueAt(values []ast.Expr, i int) ast.Expr {
	if i < len(values) {
		return values[i]
	}
	return nil
}

// version-json.sh writes Dockerflow's version.json, and refuses a value that
// would break it.
func TestVersionJSON(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh here to run version-json.sh")
	}
	if _, err := exec.LookPath("tr"); err != nil {
		t.Skip("no tr here, which version-json.sh needs")
	}
	run := func(args ...string) ([]byte, []byte, error) {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(sh, append([]string{"version-json.sh"}, args...)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.Bytes(), stderr.Bytes(), err
	}
	t.Run("good", func(t *testing.T) {
		out, stderr, err := run("https://github.com/stewardbot/stewardbot", "v1.2.3", "0123abc", "")
		if err != nil {
			t.Fatalf("%v: %s", err, stderr)
		}
		var got map[string]string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		want := map[string]string{"source": "https://github.com/stewardbot/stewardbot", "version": "v1.2.3", "commit": "0123abc", "build": ""}
		if d := cmp.Diff(got, want); d != "" {
			t.Errorf("(-got +want):\n%s", d)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"quote", []string{`a"b`, "v", "c", "b"}, "source must not hold a quote"},
		{"backslash", []string{"s", `v\1`, "c", "b"}, "version must not hold a quote or a backslash"},
		{"newline", []string{"s", "v", "c\n", "b"}, "commit must be printable ASCII"},
		{"tab", []string{"s", "v", "c", "b\tx"}, "build must be printable ASCII"},
		{"non-ASCII", []string{"s", "vé", "c", "b"}, "version must be printable ASCII"},
		{"too few", []string{"s", "v", "c"}, "usage:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := run(tc.args...)
			if err == nil || len(out) != 0 || !strings.Contains(string(stderr), tc.err) {
				t.Errorf("err %v, stdout %q, stderr %q; want a failure saying %q", err, out, stderr, tc.err)
			}
		})
	}
}

// .dockerignore leaves in the build context every file the build reads: the
// Go sources and embedded files of cmd/stewardbot and everything it imports
// from this module, go.mod and go.sum, and the deploy/ files the Dockerfile
// names.
func TestDockerignore(t *testing.T) {
	data, err := os.ReadFile("../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	patterns, err := parseDockerignore(data)
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	needed := []string{"go.mod", "go.sum", "deploy/version-json.sh", "deploy/config.example.yaml"}
	for _, s := range loadDockerfile(t) {
		for _, r := range append(s.all("RUN"), s.all("COPY")...) {
			needed = append(needed, regexp.MustCompile(`deploy/[\w./-]+`).FindAllString(r, -1)...)
		}
	}
	needed = append(needed, buildFiles(t)...)
	for _, f := range needed {
		if excluded(patterns, f) {
			t.Errorf(".dockerignore leaves out %s, which the image build needs", f)
		}
	}
	// And it does keep out what it means to.
	for _, f := range []string{".git/config", "stewardbot", "x.db", "deploy/kubernetes/base/service.yaml"} {
		if !excluded(patterns, f) {
			t.Errorf(".dockerignore lets %s into the build context", f)
		}
	}
}

// buildFiles lists, relative to the module root, the Go files and embedded
// files of cmd/stewardbot and the packages of this module it imports.
func buildFiles(t *testing.T) []string {
	t.Helper()
	goCmd, err := exec.LookPath("go") // go test puts its own go first in PATH
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goCmd, "list", "-deps", "-json=ImportPath,Dir,Module,GoFiles,EmbedFiles", "./cmd/stewardbot")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			Dir        string
			Module     *struct{ Path string }
			GoFiles    []string
			EmbedFiles []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || p.Module.Path != "github.com/stewardbot/stewardbot" {
			continue
		}
		for _, f := range append(p.GoFiles, p.EmbedFiles...) {
			rel, err := filepath.Rel(root, filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, filepath.ToSlash(rel))
		}
	}
	if !slices.Contains(files, "cmd/stewardbot/main.go") {
		t.Fatalf("go list found no cmd/stewardbot/main.go among %d files", len(files))
	}
	return files
}

// dockerignorePattern is one line of .dockerignore.
type dockerignorePattern struct {
	glob    string
	exclude bool // false for a "!" exception
}

// parseDockerignore reads .dockerignore as Docker does for the patterns used
// here: comments, a leading "/" ignored, "!" exceptions. Docker's "**" is not
// implemented, so it is refused rather than misread.
func parseDockerignore(data []byte) ([]dockerignorePattern, error) {
	var ps []dockerignorePattern
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := dockerignorePattern{exclude: true}
		if rest, ok := strings.CutPrefix(line, "!"); ok {
			p.exclude, line = false, strings.TrimSpace(rest)
		}
		if strings.Contains(line, "**") {
			return nil, fmt.Errorf("line %d: this test does not understand ** (pattern %q)", i+1, line)
		}
		p.glob = strings.TrimPrefix(filepath.ToSlash(filepath.Clean(line)), "/")
		if _, err := filepath.Match(p.glob, ""); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// excluded says whether Docker leaves file out of the context: the last
// pattern matching the file or one of its parent folders decides.
func excluded(ps []dockerignorePattern, file string) bool {
	out := false
	for _, p := range ps {
		for prefix := file; prefix != "." && prefix != ""; prefix = filepath.ToSlash(filepath.Dir(prefix)) {
			if ok, _ := filepath.Match(p.glob, prefix); ok {
				out = p.exclude
				break
			}
		}
	}
	return out
}

func TestDockerignoreMatch(t *testing.T) {
	ps, err := parseDockerignore([]byte("# c\n/docs\n*.db\nvendor\n!vendor/keep\n"))
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]bool{
		"docs/x.md":         true,
		"a.db":              true,
		"bot/a.db":          false, // *.db matches at the root only, as in Docker
		"vendor/x/y.go":     true,
		"vendor/keep":       false,
		"vendor/keep/a.go":  false,
		"cmd/docs/main.go":  false,
		"documentation.txt": false,
	} {
		if got := excluded(ps, file); got != want {
			t.Errorf("excluded(%q) = %v, want %v", file, got, want)
		}
	}
	if _, err := parseDockerignore([]byte("**/x\n")); err == nil {
		t.Error("** accepted")
	}
}
