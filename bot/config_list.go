package bot

import (
	"fmt"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// list decodes a YAML sequence into the slice setting fv: scalars for a
// []string, mappings for a slice of structs (each read like a section, with
// paths such as "stewards.roster[0].login"). An empty list keeps the
// default.
func (d *configDecoder) list(node *yaml.Node, fv reflect.Value, path string) {
	if node.Kind != yaml.SequenceNode {
		d.addf(node.Line, path, "want a list, not %s", describeNode(node))
		return
	}
	if len(node.Content) == 0 {
		return
	}
	out := reflect.MakeSlice(fv.Type(), len(node.Content), len(node.Content))
	for i, item := range node.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		el := out.Index(i)
		item = resolveAlias(item)
		if isSection(el.Type()) {
			if item.Kind != yaml.MappingNode {
				d.addf(item.Line, p, "want a mapping, not %s", describeNode(item))
				continue
			}
			d.section(item, el, p)
			continue
		}
		d.value(item, el, p)
	}
	fv.Set(out)
}
