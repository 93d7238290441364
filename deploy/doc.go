// Package deploy holds stewardbot's deployment files, not Go code: the
// container image (Dockerfile, version-json.sh), the systemd unit
// (systemd/stewardbot.service) and the Kubernetes manifests (kubernetes/).
// See README.md for how to run each.
//
// The package exists for its tests, which check what can be checked without
// a container engine or a cluster: that the manifests parse into the kinds and
// settings the README promises, that the configuration they carry passes the
// bot's own parser and validator, that the systemd unit keeps its hardening
// (and passes systemd-analyze where it is installed), and that the Dockerfile
// builds a static, non-root image whose build context holds what it needs.
package deploy
