package survey

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Filter narrows the survey; the zero Filter keeps everything. Its values
// are the ones the survey shows (an Item's Year, Product and Category), so
// that a private row, whose product and category are hidden, is never
// found by them.
type Filter struct {
	Year     string // "2024", UnknownYear, or "" for every year
	Product  string // a product as shown, or "" for every product
	Category string // a CategoryKeys key, or "" for every category
}

// maxProduct bounds the product a query may ask for (Bugzilla's own limit is 64).
const maxProduct = 200

// ParseFilter reads a filter from a query string's year, product and
// category; an unknown value is an error that says what is wanted.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Year: strings.TrimSpace(q.Get("year")), Product: strings.TrimSpace(q.Get("product")),
		Category: strings.TrimSpace(q.Get("category"))}
	if f.Year != "" && f.Year != UnknownYear {
		if y, err := strconv.Atoi(f.Year); err != nil || y < 1990 || y > 9999 || len(f.Year) != 4 {
			return Filter{}, fmt.Errorf("year %q: want a year such as 2024, or %q", f.Year, UnknownYear)
		}
	}
	if len(f.Product) > maxProduct {
		return Filter{}, fmt.Errorf("product: longer than %d bytes", maxProduct)
	}
	if f.Category != "" && !slices.Contains(CategoryKeys, f.Category) {
		return Filter{}, fmt.Errorf("category %q: want one of %s", f.Category, strings.Join(CategoryKeys, ", "))
	}
	return f, nil
}

// Match reports whether the filter keeps an item.
func (f Filter) Match(it Item) bool {
	return (f.Year == "" || f.Year == it.Year) && (f.Product == "" || f.Product == it.Product) &&
		(f.Category == "" || f.Category == it.Category)
}

// IsZero reports whether the filter keeps everything.
func (f Filter) IsZero() bool { return f == Filter{} }

// Query is the filter as a query string, for links ("year=2024&product=Firefox").
func (f Filter) Query() string {
	q := url.Values{}
	for k, v := range map[string]string{"year": f.Year, "product": f.Product, "category": f.Category} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}
