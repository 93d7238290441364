package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// ConfigError is one problem with a configuration: which setting, where, and
// what is wrong, in words an operator can act on.
type ConfigError struct {
	Line    int    // 1-based line in the YAML file; 0 when unknown or not from the file
	Field   string // dotted YAML path such as "poll.schedule"; empty for the file as a whole
	Message string
}

func (e ConfigError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// ConfigErrors is every problem found at once, so an operator fixes a file in
// one pass. Get it from any config error with errors.As.
type ConfigErrors []ConfigError

func (es ConfigErrors) Error() string {
	switch len(es) {
	case 0:
		return "no configuration problems"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d configuration problems:", len(es))
	for _, e := range es {
		b.WriteString("\n\t")
		b.WriteString(e.Error())
	}
	return b.String()
}

// sortConfigErrors orders problems by line, those without a line last, keeping
// the order of discovery (struct order) among equals.
func sortConfigErrors(es ConfigErrors) {
	slices.SortStableFunc(es, func(a, b ConfigError) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Line, b.Line)
	})
}

// problems collects ConfigErrors with their lines taken from a ConfigSource.
type problems struct {
	src  *ConfigSource
	errs ConfigErrors
}

// addf records a problem with the setting at path.
func (p *problems) addf(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if v := p.src.env(path); v != "" {
		msg += " (set by " + v + ")"
	}
	p.errs = append(p.errs, ConfigError{Line: p.src.line(path), Field: path, Message: msg})
}

func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	sortConfigErrors(p.errs)
	return p.errs
}
