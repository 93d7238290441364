package bugzillatest

import (
	"net/http"
	"net/url"
)

// bmoVersion is what BMO's /rest/version said at the commit the BMO
// fixtures were read from.
const bmoVersion = "20260820.1"

// GET /rest/version.
func handleVersion(c *reqCtx) (int, any, *Error) {
	if c.s.cfg.dialect == BMO {
		return http.StatusOK, map[string]any{"version": bmoVersion}, nil
	}
	return http.StatusOK, map[string]any{"version": "5.2+"}, nil
}

// GET /rest/extensions: none upstream (recording 11); BMO's relevant ones.
func handleExtensions(c *reqCtx) (int, any, *Error) {
	ext := map[string]any{}
	if c.s.cfg.dialect == BMO {
		for _, name := range []string{"BMO", "Needinfo", "Push", "Review", "Webhooks"} {
			ext[name] = map[string]any{"version": bmoVersion}
		}
	}
	return http.StatusOK, map[string]any{"extensions": ext}, nil
}

// GET /rest/time: the server's clock (the fake clock), in UTC.
func handleTime(c *reqCtx) (int, any, *Error) {
	t := isoTime(c.now)
	return http.StatusOK, map[string]any{
		"db_time":       t,
		"web_time":      t,
		"web_time_utc":  t,
		"tz_name":       "UTC",
		"tz_short_name": "UTC",
		"tz_offset":     "+0000",
	}, nil
}

// GET /rest/flag_type/{product}[/{component}]: {"bug":[...],"attachment":[...]},
// each type's values being the statuses the caller may set (recording 17).
func handleFlagTypes(c *reqCtx) (int, any, *Error) {
	product, _ := url.PathUnescape(c.m[1])
	p := c.d.products[product]
	if p == nil {
		return 0, nil, bzErr(codeInvalidProduct, "Either the product '%s' does not exist or you don't have access to it.", product)
	}
	if len(c.m) > 2 {
		component, _ := url.PathUnescape(c.m[2])
		if p.components[component] == nil {
			return 0, nil, bzErr(codeInvalidComponent, "Product %s has no component named %s.", product, component)
		}
	}
	out := map[string]any{"bug": []any{}, "attachment": []any{}}
	for _, target := range []string{"bug", "attachment"} {
		list := []any{}
		for _, ft := range c.d.flagTypesFor(target, product) {
			values := []any{"X"}
			if ft.canRequest(c.user) {
				values = append(values, "?")
			}
			if ft.canGrant(c.user) {
				values = append(values, "+", "-")
			}
			list = append(list, map[string]any{
				"id":               ft.id,
				"name":             ft.name,
				"description":      ft.description,
				"type":             ft.target,
				"values":           values,
				"is_active":        true,
				"is_requesteeble":  ft.requesteeble,
				"is_multiplicable": ft.multiplicable,
			})
		}
		out[target] = list
	}
	return http.StatusOK, out, nil
}
