package policy

import "testing"

func TestParseCategory(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"Category 2", 2},
		{"Cat 2: Interaction Data", 2},
		{"Type 2", 2},
		{"interaction", 2},
		{"Interaction data", 2},
		{"interactions", 2},
		{"stored content", 3},
		{"stored_content", 3},
		{"Stored-Content", 3},
		{"web activity", 3},
		{"web_activity", 3},
		{"highly sensitive", 4},
		{"highly_sensitive", 4},
		{"clearly identifiable", 4},
		{"technical", 1},
		{"Category 1 or 2", 2},
		{"Category 2?", 2},
		{"categories 1 and 3", 3},
		{"Category 1-2", 2},
		{"category: 4", 4},
		{"cat. 3", 3},
		{"Category #1", 1},
		{"category no. 2", 2},
		{"cat2", 2},
		{"technical, interaction, stored_content", 3},
		{"interaction, web_activity", 3},
		{"Category 1 (technical)", 1},
		{"Category 5", 0},
		{"category 12", 0},
		{"type of data", 0},
		{"catalog 2", 0},
		{"the web, its activity", 0},
		{"TBD", 0},
		{"sensitive", 0},
		{"1", 0},
	}
	for _, tt := range tests {
		if got := ParseCategory(tt.text); got != tt.want {
			t.Errorf("ParseCategory(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

// TestScanCategoriesStrict checks that in a row the bare words "technical"
// and "interaction" count only as a phrase of their own, not inside a
// sentence, while numbers and the other names always count.
func TestScanCategoriesStrict(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"records technical details of the toolbar button layout", 0},
		{"counts clicks (interaction)", 2},
		{"counts clicks - interaction data", 2},
		{"pref state, interaction", 2},
		{"records every interaction with the card in the sidebar", 0},
		{"a sentence that mentions web activity once", 3},
		{"a sentence that says Category 2 in passing", 2},
	}
	for _, tt := range tests {
		if got, _ := reqScanCategories(tt.text, true); got != tt.want {
			t.Errorf("reqScanCategories(%q, strict) = %d, want %d", tt.text, got, tt.want)
		}
	}
}
