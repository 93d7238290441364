package bot

import (
	"go/ast"
	"strings"
	"testing"
)

// TestNoRequestChangeWithoutRequestee guards bugzilla.FlagChange's rule:
// Bugzilla clears the requestee of a "?" flag when a change omits it, so
// every "?" change the bot writes names its requestee. It reads the bot's
// source for FlagChange literals with Status "?" and no Requestee.
func TestNoRequestChangeWithoutRequestee(t *testing.T) {
	fset, files := parseSources(t)
	checked := 0
	for _, f := range files {
		ast.Inspect(f.file, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			var changes []*ast.CompositeLit
			switch {
			case isFlagChange(lit.Type):
				changes = append(changes, lit)
			case isFlagChangeSlice(lit.Type):
				for _, e := range lit.Elts {
					if c, ok := e.(*ast.CompositeLit); ok && c.Type == nil {
						changes = append(changes, c)
					}
				}
			}
			for _, c := range changes {
				checked++
				status, requestee := "", false
				for _, e := range c.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						t.Errorf("%s: FlagChange without field names", fset.Position(c.Pos()))
						continue
					}
					switch key := kv.Key.(*ast.Ident).Name; key {
					case "Status":
						if b, ok := kv.Value.(*ast.BasicLit); ok {
							status = strings.Trim(b.Value, "\"`")
						} else {
							status = "?" // not a constant: it may be "?"
						}
					case "Requestee":
						requestee = !isIdent(kv.Value, "nil")
					}
				}
				if status == "?" && !requestee {
					t.Errorf(`%s: a "?" FlagChange without Requestee: Bugzilla would clear the requestee`, fset.Position(c.Pos()))
				}
			}
			return true
		})
	}
	t.Logf("%d FlagChange literals checked", checked)
}

func isFlagChange(e ast.Expr) bool {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "FlagChange" && isIdent(sel.X, "bugzilla")
}

func isFlagChangeSlice(e ast.Expr) bool {
	a, ok := e.(*ast.ArrayType)
	return ok && isFlagChange(a.Elt)
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
