package deploy

import (
	"encoding/base64"
	"testing"
)

// The parts of the Kubernetes API objects that the tests read. Booleans are
// pointers so that a setting left out is told apart from one set to false.

type deployment struct {
	Metadata objectMeta `yaml:"metadata"`
	Spec     struct {
		Replicas *int `yaml:"replicas"`
		Strategy struct {
			Type          string `yaml:"type"`
			RollingUpdate *struct {
				MaxSurge       any `yaml:"maxSurge"`
				MaxUnavailable any `yaml:"maxUnavailable"`
			} `yaml:"rollingUpdate"`
		} `yaml:"strategy"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata objectMeta `yaml:"metadata"`
			Spec     podSpec    `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type objectMeta struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

type podSpec struct {
	AutomountServiceAccountToken *bool              `yaml:"automountServiceAccountToken"`
	SecurityContext              podSecurityContext `yaml:"securityContext"`
	Containers                   []container        `yaml:"containers"`
	Volumes                      []volume           `yaml:"volumes"`
}

type podSecurityContext struct {
	RunAsNonRoot   *bool          `yaml:"runAsNonRoot"`
	RunAsUser      *int64         `yaml:"runAsUser"`
	RunAsGroup     *int64         `yaml:"runAsGroup"`
	FSGroup        *int64         `yaml:"fsGroup"`
	SeccompProfile seccompProfile `yaml:"seccompProfile"`
}

type seccompProfile struct {
	Type string `yaml:"type"`
}

type container struct {
	Name           string          `yaml:"name"`
	Image          string          `yaml:"image"`
	Command        []string        `yaml:"command"`
	Args           []string        `yaml:"args"`
	Env            []envVar        `yaml:"env"`
	Ports          []containerPort `yaml:"ports"`
	LivenessProbe  *probe          `yaml:"livenessProbe"`
	ReadinessProbe *probe          `yaml:"readinessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		RunAsNonRoot             *bool          `yaml:"runAsNonRoot"`
		RunAsUser                *int64         `yaml:"runAsUser"`
		RunAsGroup               *int64         `yaml:"runAsGroup"`
		AllowPrivilegeEscalation *bool          `yaml:"allowPrivilegeEscalation"`
		Privileged               *bool          `yaml:"privileged"`
		ReadOnlyRootFilesystem   *bool          `yaml:"readOnlyRootFilesystem"`
		SeccompProfile           seccompProfile `yaml:"seccompProfile"`
		Capabilities             struct {
			Add  []string `yaml:"add"`
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		SubPath   string `yaml:"subPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type containerPort struct {
	Name          string `yaml:"name"`
	ContainerPort int    `yaml:"containerPort"`
	Protocol      string `yaml:"protocol"`
}

type envVar struct {
	Name      string `yaml:"name"`
	Value     string `yaml:"value"`
	ValueFrom *struct {
		SecretKeyRef *struct {
			Name     string `yaml:"name"`
			Key      string `yaml:"key"`
			Optional bool   `yaml:"optional"`
		} `yaml:"secretKeyRef"`
	} `yaml:"valueFrom"`
}

type probe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"` // a number or a port name
	} `yaml:"httpGet"`
	PeriodSeconds    int `yaml:"periodSeconds"`
	FailureThreshold int `yaml:"failureThreshold"`
}

type volume struct {
	Name      string `yaml:"name"`
	ConfigMap *struct {
		Name string `yaml:"name"`
	} `yaml:"configMap"`
	Secret *struct {
		SecretName  string `yaml:"secretName"`
		DefaultMode *int   `yaml:"defaultMode"`
	} `yaml:"secret"`
	PersistentVolumeClaim *struct {
		ClaimName string `yaml:"claimName"`
	} `yaml:"persistentVolumeClaim"`
	EmptyDir *struct {
		SizeLimit string `yaml:"sizeLimit"`
	} `yaml:"emptyDir"`
}

type service struct {
	Spec struct {
		Type     string            `yaml:"type"`
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type persistentVolumeClaim struct {
	Spec struct {
		AccessModes []string `yaml:"accessModes"`
		Resources   struct {
			Requests map[string]string `yaml:"requests"`
		} `yaml:"resources"`
	} `yaml:"spec"`
}

// keyed is a ConfigMap or a Secret: named values, mounted as files.
type keyed struct {
	Kind       string            `yaml:"kind"`
	Data       map[string]string `yaml:"data"`       // a Secret's is base64
	StringData map[string]string `yaml:"stringData"` // Secrets only
}

// get returns the value of key; ok is false when there is no such key or a
// Secret's data is not base64.
func (k keyed) get(key string) (v string, ok bool) {
	if v, ok := k.StringData[key]; ok {
		return v, true
	}
	v, ok = k.Data[key]
	if ok && k.Kind == "Secret" {
		b, err := base64.StdEncoding.DecodeString(v)
		return string(b), err == nil
	}
	return v, ok
}

// deploymentOf returns the Deployment of a variant's folder.
func deploymentOf(t *testing.T, ms []manifest, dir string) deployment {
	t.Helper()
	var d deployment
	decode(t, find(t, ms, dir, "Deployment", "stewardbot"), &d)
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("%s Deployment: want 1 container, got %d", dir, n)
	}
	return d
}
