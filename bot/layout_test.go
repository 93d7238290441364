package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLayout reports how many methods *Bot has, per file: the redesign
// (issue 13) moves the duties off *Bot onto types of their own, down to a
// core of at most 25 methods. It only logs for now; it fails once the last
// duty has moved.
func TestLayout(t *testing.T) {
	_, files := parseSources(t)
	perFile := map[string]int{}
	total := 0
	for _, f := range files {
		for _, decl := range f.file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && isBotMethod(fn) {
				perFile[f.name]++
				total++
			}
		}
	}
	if total == 0 {
		t.Fatal("no method of *Bot found: the parse is wrong")
	}
	names := make([]string, 0, len(perFile))
	for name := range perFile {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString("\n  " + name + ": " + strconv.Itoa(perFile[name]))
	}
	t.Logf("*Bot has %d methods (target: at most 25):%s", total, b.String())
}

// isBotMethod reports whether fn is a method with receiver *Bot.
func isBotMethod(fn *ast.FuncDecl) bool {
	if fn.Recv == nil || len(fn.Recv.List) != 1 {
		return false
	}
	star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Bot"
}

// sourceFile is one of the package's Go files, parsed.
type sourceFile struct {
	name string
	file *ast.File
}

// parseSources parses the package's non-test Go files, in name order, for
// tests that check the source itself.
func parseSources(t *testing.T) (*token.FileSet, []sourceFile) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []sourceFile
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, sourceFile{name: name, file: f})
	}
	return fset, files
}
