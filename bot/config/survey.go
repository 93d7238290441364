package config

// SurveyConfig controls what the yearly survey (/survey, "stewardbot report
// --format html") looks up beyond the store.
type SurveyConfig struct {
	// OwnerActivity makes the daemon ask Bugzilla, at most once a day and
	// in batches, when each owner the reviewed forms name last acted, for
	// the survey's "owners no longer active" (docs/report.md). Off by
	// default: it reads every owner's account. Only BMO says when an
	// account last acted, and only to a logged-in caller; elsewhere the
	// activity reads "unknown".
	OwnerActivity bool `yaml:"owner_activity"`
}

// validate: the lookup needs an API key, since BMO tells when an account
// last acted only to a logged-in caller (and upstream Bugzilla never does).
func (s SurveyConfig) validate(p *problems, apiKey Secret) {
	if s.OwnerActivity && !apiKey.IsSet() {
		p.addf("survey.owner_activity", "needs an API key (%s): Bugzilla tells when an account last acted only to a logged-in caller", EnvAPIKey)
	}
}
