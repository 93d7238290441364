package metrics

import "github.com/prometheus/client_golang/prometheus"

// WebhookOutcomes are the results of a webhook delivery (the web package's
// Webhook* outcomes): each is exported from the start, at 0, so that an
// alert on unauthorized deliveries has a series to watch.
var WebhookOutcomes = []string{"accepted", "ignored_self", "unauthorized", "too_large", "bad_request", "error"}

// newWebhookCounter registers the counter of webhook deliveries on reg.
func newWebhookCounter(reg *prometheus.Registry) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "stewardbot_webhook_deliveries_total",
		Help: "Webhook deliveries to /webhooks/bugzilla by outcome: accepted, ignored_self (the bot's own change), unauthorized, too_large, bad_request, error (the store failed).",
	}, []string{"outcome"})
	for _, o := range WebhookOutcomes {
		c.WithLabelValues(o)
	}
	reg.MustRegister(c)
	return c
}

// WebhookDelivery counts one webhook delivery by outcome (give it to
// web.WebhookOptions.Observe).
func (m *Metrics) WebhookDelivery(outcome string) { m.webhooks.WithLabelValues(outcome).Inc() }
