package bot

import "flag"

// -update rewrites the golden files of this package's tests (the comment
// goldens). Another test file may declare it too; package variables are
// initialised before any init runs, so this never collides.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}
