package deploy

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot"
)

// The UID (and GID) the image, the unit's tests and the manifests agree on.
const runAsID = 10001

// variants are the two Kubernetes deployments and what sets them apart.
var variants = []struct {
	dir       string
	replicas  int
	strategy  string
	pvc       string // the PersistentVolumeClaim holding the state, or ""
	dsnPrefix string // store.dsn as the bot ends up with it
}{
	{dir: "sqlite", replicas: 1, strategy: "Recreate", pvc: "stewardbot-state", dsnPrefix: "/var/lib/stewardbot/"},
	{dir: "postgres", replicas: 2, strategy: "RollingUpdate", dsnPrefix: "postgres://"},
}

func TestDeployments(t *testing.T) {
	ms := loadManifests(t)
	for _, v := range variants {
		t.Run(v.dir, func(t *testing.T) {
			d := deploymentOf(t, ms, v.dir)
			spec := d.Spec.Template.Spec
			c := spec.Containers[0]

			if d.Spec.Replicas == nil || *d.Spec.Replicas != v.replicas {
				t.Errorf("replicas = %v, want %d", ptrString(d.Spec.Replicas), v.replicas)
			}
			if got := d.Spec.Strategy.Type; got != v.strategy {
				t.Errorf("strategy = %q, want %q", got, v.strategy)
			}
			if ru := d.Spec.Strategy.RollingUpdate; v.strategy == "RollingUpdate" && (ru == nil || fmt.Sprint(ru.MaxUnavailable) != "0") {
				t.Errorf("rollingUpdate.maxUnavailable must be 0: a rollout must not leave fewer replicas serving")
			}
			sel := d.Spec.Selector.MatchLabels
			if len(sel) == 0 || !subset(sel, d.Spec.Template.Metadata.Labels) {
				t.Errorf("selector %v does not select the pod labels %v", sel, d.Spec.Template.Metadata.Labels)
			}

			checkPodSecurity(t, spec)
			checkProbesAndPorts(t, c)
			if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" || c.Resources.Limits["memory"] == "" {
				t.Errorf("resources = %+v: want cpu and memory requests and a memory limit", c.Resources)
			}
			if len(c.Command) != 0 {
				t.Errorf("command = %q: the image's ENTRYPOINT is the binary, set only args", c.Command)
			}

			// Volumes: each one mounted, each mount declared, the state
			// claim present exactly when SQLite needs it.
			declared := map[string]volume{}
			for _, vol := range spec.Volumes {
				declared[vol.Name] = vol
			}
			mounted := map[string]bool{}
			for _, m := range c.VolumeMounts {
				if _, ok := declared[m.Name]; !ok {
					t.Errorf("volumeMount %q names no volume", m.Name)
				}
				mounted[m.Name] = true
			}
			var claims []string
			for name, vol := range declared {
				if !mounted[name] {
					t.Errorf("volume %q is never mounted", name)
				}
				if vol.PersistentVolumeClaim != nil {
					claims = append(claims, vol.PersistentVolumeClaim.ClaimName)
				}
			}
			switch {
			case v.pvc == "" && len(claims) > 0:
				t.Errorf("claims %q: this variant keeps no state in the pod", claims)
			case v.pvc != "":
				if !slices.Equal(claims, []string{v.pvc}) {
					t.Errorf("claims = %q, want [%s]", claims, v.pvc)
				}
				var pvc persistentVolumeClaim
				decode(t, find(t, ms, v.dir, "PersistentVolumeClaim", v.pvc), &pvc)
				if !slices.Equal(pvc.Spec.AccessModes, []string{"ReadWriteOnce"}) || pvc.Spec.Resources.Requests["storage"] == "" {
					t.Errorf("PVC %s: want ReadWriteOnce and a storage request, got %+v", v.pvc, pvc.Spec)
				}
				if mountOf(c, "state") != "/var/lib/stewardbot" {
					t.Errorf("the state volume is not mounted at /var/lib/stewardbot")
				}
			}
			if mountOf(c, "tmp") != "/tmp" {
				t.Errorf("no writable /tmp: the root file system is read-only")
			}

			// The wiring, through the bot's own loader: the config file named
			// in args, the key file and the DSN Secret must all arrive.
			cfg := loadConfigAsPod(t, ms, d)
			if !strings.HasPrefix(cfg.Store.DSN, v.dsnPrefix) {
				t.Errorf("store.dsn = %q, want it to start with %q", cfg.Store.DSN, v.dsnPrefix)
			}
			if !cfg.Bugzilla.APIKey.IsSet() {
				t.Errorf("the bot found no API key")
			}
		})
	}
}

func checkPodSecurity(t *testing.T, spec podSpec) {
	t.Helper()
	if b := spec.AutomountServiceAccountToken; b == nil || *b {
		t.Errorf("automountServiceAccountToken must be false: the bot never talks to the Kubernetes API")
	}
	psc := spec.SecurityContext
	if !isTrue(psc.RunAsNonRoot) || !is(psc.RunAsUser, runAsID) || !is(psc.RunAsGroup, runAsID) || !is(psc.FSGroup, runAsID) {
		t.Errorf("pod securityContext = runAsNonRoot %v, runAsUser %v, runAsGroup %v, fsGroup %v; want true and %d",
			ptrString(psc.RunAsNonRoot), ptrString(psc.RunAsUser), ptrString(psc.RunAsGroup), ptrString(psc.FSGroup), runAsID)
	}
	if psc.SeccompProfile.Type != "RuntimeDefault" {
		t.Errorf("pod seccompProfile = %q, want RuntimeDefault", psc.SeccompProfile.Type)
	}
	sc := spec.Containers[0].SecurityContext
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"runAsNonRoot: true", isTrue(sc.RunAsNonRoot)},
		{fmt.Sprintf("runAsUser: %d", runAsID), is(sc.RunAsUser, runAsID)},
		{fmt.Sprintf("runAsGroup: %d", runAsID), is(sc.RunAsGroup, runAsID)},
		{"allowPrivilegeEscalation: false", sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation},
		{"privileged not true", !isTrue(sc.Privileged)},
		{"readOnlyRootFilesystem: true", isTrue(sc.ReadOnlyRootFilesystem)},
		{"capabilities.drop: [ALL]", slices.Equal(sc.Capabilities.Drop, []string{"ALL"})},
		{"no capabilities.add", len(sc.Capabilities.Add) == 0},
		{"seccompProfile: RuntimeDefault", sc.SeccompProfile.Type == "RuntimeDefault"},
	} {
		if !c.ok {
			t.Errorf("container securityContext: want %s", c.name)
		}
	}
}

func checkProbesAndPorts(t *testing.T, c container) {
	t.Helper()
	var portName string
	for _, p := range c.Ports {
		if p.ContainerPort == 8080 {
			portName = p.Name
		}
	}
	if portName == "" {
		t.Fatalf("ports %+v: want containerPort 8080, named", c.Ports)
	}
	for _, p := range []struct {
		name  string
		probe *probe
		paths []string
	}{
		{"livenessProbe", c.LivenessProbe, []string{"/__lbheartbeat__", "/livez"}},
		{"readinessProbe", c.ReadinessProbe, []string{"/readyz"}},
	} {
		switch {
		case p.probe == nil || p.probe.HTTPGet == nil:
			t.Errorf("%s: want an httpGet probe", p.name)
		case !slices.Contains(p.paths, p.probe.HTTPGet.Path):
			t.Errorf("%s path = %q, want one of %q", p.name, p.probe.HTTPGet.Path, p.paths)
		case fmt.Sprint(p.probe.HTTPGet.Port) != portName && fmt.Sprint(p.probe.HTTPGet.Port) != "8080":
			t.Errorf("%s port = %v, want %s or 8080", p.name, p.probe.HTTPGet.Port, portName)
		}
	}
	if got := envValue(c, "PORT"); got != "8080" {
		t.Errorf("PORT = %q, want 8080 (the server honours $PORT)", got)
	}
}

// The Service reaches the pods of both variants on the named HTTP port.
func TestService(t *testing.T) {
	ms := loadManifests(t)
	var svc service
	decode(t, find(t, ms, "base", "Service", "stewardbot"), &svc)
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 8080 || fmt.Sprint(svc.Spec.Ports[0].TargetPort) != "http" {
		t.Errorf("ports = %+v, want 8080 to targetPort http", svc.Spec.Ports)
	}
	for _, v := range variants {
		d := deploymentOf(t, ms, v.dir)
		if len(svc.Spec.Selector) == 0 || !subset(svc.Spec.Selector, d.Spec.Template.Metadata.Labels) {
			t.Errorf("Service selector %v does not select the %s pods %v", svc.Spec.Selector, v.dir, d.Spec.Template.Metadata.Labels)
		}
		if !slices.ContainsFunc(d.Spec.Template.Spec.Containers[0].Ports, func(p containerPort) bool {
			return p.Name == "http"
		}) {
			t.Errorf("the %s container has no port named http", v.dir)
		}
	}
}

// Both variants hold the same pod hardening, so that a change to one that
// is not made to the other shows up here.
func TestVariantsShareSecurity(t *testing.T) {
	ms := loadManifests(t)
	a, b := deploymentOf(t, ms, "sqlite"), deploymentOf(t, ms, "postgres")
	as, bs := a.Spec.Template.Spec, b.Spec.Template.Spec
	if d := cmp.Diff(as.Containers[0].SecurityContext, bs.Containers[0].SecurityContext); d != "" {
		t.Errorf("container securityContext differs (-sqlite +postgres):\n%s", d)
	}
	as.SecurityContext.FSGroup, bs.SecurityContext.FSGroup = nil, nil
	if d := cmp.Diff(as.SecurityContext, bs.SecurityContext); d != "" {
		t.Errorf("pod securityContext differs (-sqlite +postgres):\n%s", d)
	}
	if d := cmp.Diff(as.Containers[0].Args, bs.Containers[0].Args); d != "" {
		t.Errorf("args differ (-sqlite +postgres):\n%s", d)
	}
}

// Every STEWARDBOT_* variable a manifest sets is one the bot reads: a
// misspelt name would be silently ignored by the bot.
func TestKubernetesEnvNames(t *testing.T) {
	ms := loadManifests(t)
	for _, v := range variants {
		for _, e := range deploymentOf(t, ms, v.dir).Spec.Template.Spec.Containers[0].Env {
			if strings.HasPrefix(e.Name, "STEWARDBOT_") && !slices.Contains(botEnvNames, e.Name) {
				t.Errorf("%s: the bot does not read %s (it reads %q)", v.dir, e.Name, botEnvNames)
			}
		}
	}
}

// botEnvNames are the variables the bot reads (bot/config/env.go).
var botEnvNames = []string{
	bot.EnvBugzillaURL, bot.EnvBugzillaLogin, bot.EnvDryRun, bot.EnvStoreDSN,
	bot.EnvLogLevel, bot.EnvLogFormat, bot.EnvAPIKey, bot.EnvAPIKeyFile,
	bot.EnvWebhookSecret, bot.EnvWebhookSecretFile,
}

// loadConfigAsPod runs bot.LoadConfig as the pod of d would: its args name the
// config file, its env is the environment (Secret references resolved from
// the *.example.yaml Secrets), and its ConfigMap and Secret volumes are the
// only files. The config must load and validate.
func loadConfigAsPod(t *testing.T, ms []manifest, d deployment) bot.Config {
	t.Helper()
	c := d.Spec.Template.Spec.Containers[0]
	configPath := ""
	for i, a := range c.Args {
		if a == "--config" && i+1 < len(c.Args) {
			configPath = c.Args[i+1]
		}
	}
	if configPath == "" {
		t.Fatalf("args %q name no --config FILE", c.Args)
	}

	files := map[string]string{} // path -> content, as the pod sees them
	for _, m := range c.VolumeMounts {
		var src keyed
		switch vol := volumeNamed(d, m.Name); {
		case vol.ConfigMap != nil:
			decode(t, findByName(t, ms, "ConfigMap", vol.ConfigMap.Name), &src)
		case vol.Secret != nil:
			decode(t, findByName(t, ms, "Secret", vol.Secret.SecretName), &src)
			if mode := vol.Secret.DefaultMode; mode == nil || *mode&0o007 != 0 {
				t.Errorf("Secret volume %s: defaultMode %v leaves the key readable by others", m.Name, ptrString(mode))
			}
		default:
			continue
		}
		if m.SubPath != "" {
			t.Errorf("volumeMount %s uses subPath, which never sees updates", m.Name)
		}
		for _, key := range slices.Sorted(maps.Keys(src.StringData)) {
			files[path.Join(m.MountPath, key)], _ = src.get(key)
		}
		for _, key := range slices.Sorted(maps.Keys(src.Data)) {
			files[path.Join(m.MountPath, key)], _ = src.get(key)
		}
	}
	env := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = e.Value
		case e.ValueFrom.SecretKeyRef != nil:
			var s keyed
			ref := e.ValueFrom.SecretKeyRef
			decode(t, findByName(t, ms, "Secret", ref.Name), &s)
			val, ok := s.get(ref.Key)
			if !ok && ref.Optional {
				continue // as Kubernetes does: the variable is then not set
			}
			if !ok {
				t.Fatalf("env %s: Secret %s has no key %q", e.Name, ref.Name, ref.Key)
			}
			env[e.Name] = val
		default:
			t.Fatalf("env %s: only value and secretKeyRef are understood here", e.Name)
		}
	}
	readFile := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	cfg, err := bot.LoadConfig(configPath, func(k string) string { return env[k] }, readFile)
	if err != nil {
		t.Fatalf("the bot, as this pod runs it: %v\n(files: %q)", err, slices.Sorted(maps.Keys(files)))
	}
	return cfg
}

// findByName returns the one manifest of a kind and name anywhere under
// kubeDir (Secrets and ConfigMaps live in base/ or beside the Deployment).
func findByName(t *testing.T, ms []manifest, kind, name string) manifest {
	t.Helper()
	var found []manifest
	for _, m := range ms {
		if m.Kind == kind && m.Name == name {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s %q under %s, found %v", kind, name, kubeDir, found)
	}
	return found[0]
}

func volumeNamed(d deployment, name string) volume {
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return v
		}
	}
	return volume{}
}

func mountOf(c container, volumeName string) string {
	for _, m := range c.VolumeMounts {
		if m.Name == volumeName {
			return m.MountPath
		}
	}
	return ""
}

func envValue(c container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func subset(sub, super map[string]string) bool {
	for k, v := range sub {
		if super[k] != v {
			return false
		}
	}
	return true
}

func isTrue(b *bool) bool { return b != nil && *b }

func is(p *int64, want int64) bool { return p != nil && *p == want }

func ptrString[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}
