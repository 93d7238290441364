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

// maxBotMethods is the most methods *Bot may have: the core (the cycle,
// the schedule, the lifecycle, what the dashboard and cmd call). The
// duties are types of their own (issue 13).
const maxBotMethods = 25

// TestLayout keeps *Bot a small core: at most maxBotMethods methods, none
// of them in a duty's file. A duty's files are named after its task
// (core_tasks.go's list): "remind" owns remind.go and remind_*.go, and
// "commands" owns command*.go. It logs the count per file.
func TestLayout(t *testing.T) {
	_, files := parseSources(t)
	perFile := map[string]int{}
	total := 0
	for _, f := range files {
		for _, decl := range f.file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && isBotMethod(fn) {
				perFile[f.name]++
				total++
				if task, ok := dutyOfFile(f.name); ok {
					t.Errorf("%s: (*Bot).%s is in the %s duty's file: a duty's code is a method of its own type", f.name, fn.Name.Name, task)
				}
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
	t.Logf("*Bot has %d methods (at most %d):%s", total, maxBotMethods, b.String())
	if total > maxBotMethods {
		t.Errorf("*Bot has %d methods, more than %d: give the new code a type of its own (a duty, or a core type in core_*.go)", total, maxBotMethods)
	}
}

// dutyOfFile reports which task's duty a file belongs to, by its name:
// the task's name, without a plural s, starts the file's name.
func dutyOfFile(name string) (string, bool) {
	for _, task := range TaskNames() {
		if strings.HasPrefix(name, strings.TrimSuffix(task, "s")) {
			return task, true
		}
	}
	return "", false
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
