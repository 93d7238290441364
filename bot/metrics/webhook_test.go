package metrics

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/stewardbot/stewardbot/bot/web"
)

func TestWebhookDeliveries(t *testing.T) {
	if !slices.Equal(WebhookOutcomes, web.WebhookOutcomes) {
		t.Fatalf("outcomes %v, the handler's %v", WebhookOutcomes, web.WebhookOutcomes)
	}
	m := New(nil)
	body := scrape(t, m)
	for _, o := range WebhookOutcomes {
		if want := `stewardbot_webhook_deliveries_total{outcome="` + o + `"} 0`; !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s before any delivery", want)
		}
	}
	m.WebhookDelivery(web.WebhookAccepted)
	m.WebhookDelivery(web.WebhookAccepted)
	m.WebhookDelivery(web.WebhookUnauthorized)
	if got := testutil.ToFloat64(m.webhooks.WithLabelValues("accepted")); got != 2 {
		t.Errorf("accepted = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.webhooks.WithLabelValues("unauthorized")); got != 1 {
		t.Errorf("unauthorized = %v, want 1", got)
	}
}
