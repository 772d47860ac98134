// Package deploy_test checks the deployment files against each other and
// against the code: the Kubernetes manifests, docker-compose.yml, the
// Dockerfile and the Slack app manifest, whose scopes must be exactly those
// the Web API calls in the Go code need.
package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const (
	k8sDir       = "kubernetes"
	composeFile  = "../docker-compose.yml"
	manifestFile = "../slack-app-manifest.yml"
	envExample   = "../.env.example"
	dockerfile   = "../Dockerfile"
	dockerignore = "../.dockerignore"
	secretFile   = "secret.example.yaml"
	kustomFile   = "kustomization.yaml"

	// httpPort is the bot's HTTP_ADDR port: /healthz, /readyz, /metrics.
	httpPort = 8080
)

// ---------------------------------------------------------------------------
// YAML loading

// document is one YAML document of a file.
type document struct {
	file  string
	index int // 1-based position in a multi-document file
	node  *yaml.Node
}

func (d document) String() string { return fmt.Sprintf("%s (document %d)", d.file, d.index) }

// decode decodes the document into v, failing the test with its location.
func (d document) decode(t *testing.T, v any) {
	t.Helper()
	if err := d.node.Decode(v); err != nil {
		t.Fatalf("%s: %v", d, err)
	}
}

// header is what every Kubernetes object (and the Kustomization) starts with.
type header struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
}

// parseYAML reads every document of a (possibly multi-document) YAML file.
// Empty documents (a trailing "---") are skipped.
func parseYAML(path string) ([]document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []document
	for i := 1; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(n.Content) == 0 || n.Content[0].Kind == 0 {
			continue
		}
		// Decode into a generic value too: it catches duplicate keys and
		// other errors a bare node does not.
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if v == nil {
			continue
		}
		docs = append(docs, document{file: path, index: i, node: &n})
	}
	if len(docs) == 0 {
		return nil, errors.New("no YAML documents")
	}
	return docs, nil
}

// yamlFiles is every YAML file these tests own.
func yamlFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(k8sDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no YAML files under %s/", k8sDir)
	}
	sort.Strings(files)
	return append(files, composeFile, manifestFile)
}

func mustParse(t *testing.T, path string) []document {
	t.Helper()
	docs, err := parseYAML(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return docs
}

// k8sObjects parses every document under kubernetes/ and indexes them by
// kind; it fails on a document without apiVersion, kind or name.
func k8sObjects(t *testing.T) map[string][]document {
	t.Helper()
	byKind := map[string][]document{}
	for _, f := range yamlFiles(t) {
		if filepath.Dir(f) != k8sDir {
			continue
		}
		for _, d := range mustParse(t, f) {
			var h header
			d.decode(t, &h)
			if h.APIVersion == "" || h.Kind == "" {
				t.Errorf("%s: apiVersion and kind are required", d)
				continue
			}
			if h.Kind != "Kustomization" && h.Metadata.Name == "" {
				t.Errorf("%s: metadata.name is required", d)
			}
			byKind[h.Kind] = append(byKind[h.Kind], d)
		}
	}
	return byKind
}

// one returns the single object of kind, failing otherwise.
func one(t *testing.T, objs map[string][]document, kind string) document {
	t.Helper()
	if n := len(objs[kind]); n != 1 {
		t.Fatalf("want exactly one %s under %s/, found %d", kind, k8sDir, n)
	}
	return objs[kind][0]
}

// TestParseYAMLMultiDocument: every document of a stream is read, empty
// ones are skipped, and an error names the document it is in.
func TestParseYAMLMultiDocument(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("---\na: 1\n---\n---\nb: 2\n...\n---\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	docs, err := parseYAML(good)
	if err != nil || len(docs) != 2 || docs[0].index != 1 || docs[1].index != 3 {
		t.Fatalf("parseYAML(good) = %v, %v; want documents 1 and 3", docs, err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("a: 1\n---\nb: 1\nb: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := parseYAML(bad); err == nil || !strings.Contains(err.Error(), "document 2") {
		t.Fatalf("parseYAML(duplicate key in document 2) = %v, want an error naming document 2", err)
	}
}

// TestYAMLParses parses every YAML file (all documents of each).
func TestYAMLParses(t *testing.T) {
	for _, f := range yamlFiles(t) {
		if _, err := parseYAML(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// ---------------------------------------------------------------------------
// Kubernetes

type labelSelector struct {
	MatchLabels      map[string]string `yaml:"matchLabels"`
	MatchExpressions []any             `yaml:"matchExpressions"`
}

type securityContext struct {
	RunAsNonRoot             *bool  `yaml:"runAsNonRoot"`
	RunAsUser                *int64 `yaml:"runAsUser"`
	ReadOnlyRootFilesystem   *bool  `yaml:"readOnlyRootFilesystem"`
	AllowPrivilegeEscalation *bool  `yaml:"allowPrivilegeEscalation"`
	Privileged               *bool  `yaml:"privileged"`
	Capabilities             *struct {
		Drop []string `yaml:"drop"`
		Add  []string `yaml:"add"`
	} `yaml:"capabilities"`
	SeccompProfile *struct {
		Type string `yaml:"type"`
	} `yaml:"seccompProfile"`
}

type probe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
	PeriodSeconds    int `yaml:"periodSeconds"`
	FailureThreshold int `yaml:"failureThreshold"`
}

type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name  string  `yaml:"name"`
		Value *string `yaml:"value"`
	} `yaml:"env"`
	EnvFrom []struct {
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	ReadinessProbe *probe `yaml:"readinessProbe"`
	StartupProbe   *probe `yaml:"startupProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext *securityContext `yaml:"securityContext"`
}

type deployment struct {
	header `yaml:",inline"`
	Spec   struct {
		Replicas *int          `yaml:"replicas"`
		Selector labelSelector `yaml:"selector"`
		Strategy struct {
			Type          string `yaml:"type"`
			RollingUpdate *struct {
				MaxUnavailable any `yaml:"maxUnavailable"`
			} `yaml:"rollingUpdate"`
		} `yaml:"strategy"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				TerminationGracePeriodSeconds *int             `yaml:"terminationGracePeriodSeconds"`
				SecurityContext               *securityContext `yaml:"securityContext"`
				Affinity                      *struct {
					PodAntiAffinity *struct {
						Preferred []struct {
							Weight          int `yaml:"weight"`
							PodAffinityTerm struct {
								TopologyKey   string        `yaml:"topologyKey"`
								LabelSelector labelSelector `yaml:"labelSelector"`
							} `yaml:"podAffinityTerm"`
						} `yaml:"preferredDuringSchedulingIgnoredDuringExecution"`
					} `yaml:"podAntiAffinity"`
				} `yaml:"affinity"`
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// botContainer returns the deployment and its one container.
func botContainer(t *testing.T, objs map[string][]document) (deployment, container) {
	t.Helper()
	var dep deployment
	one(t, objs, "Deployment").decode(t, &dep)
	cs := dep.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("Deployment %s: want one container, found %d", dep.Metadata.Name, len(cs))
	}
	return dep, cs[0]
}

// selects reports whether sel's matchLabels all hold in labels. An empty
// selector, or one with matchExpressions, is refused: these files use
// matchLabels only, so the check stays exact.
func selects(sel labelSelector, labels map[string]string) error {
	if len(sel.MatchExpressions) > 0 {
		return errors.New("matchExpressions: use matchLabels only")
	}
	if len(sel.MatchLabels) == 0 {
		return errors.New("empty selector would select every pod")
	}
	for k, v := range sel.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return fmt.Errorf("selector %s=%s does not match the pod labels %v", k, v, labels)
		}
	}
	return nil
}

// portNumber resolves a probe or Service target port (a number or the name
// of a container port).
func portNumber(c container, port any) (int, error) {
	switch p := port.(type) {
	case int:
		return p, nil
	case string:
		for _, cp := range c.Ports {
			if cp.Name == p {
				return cp.ContainerPort, nil
			}
		}
		return 0, fmt.Errorf("no container port named %q", p)
	}
	return 0, fmt.Errorf("port %v is neither a number nor a name", port)
}

func TestDeployment(t *testing.T) {
	objs := k8sObjects(t)
	dep, c := botContainer(t, objs)
	where := "Deployment " + dep.Metadata.Name
	spec := dep.Spec

	if spec.Replicas == nil || *spec.Replicas != 2 {
		t.Errorf("%s: want replicas 2, got %s", where, show(spec.Replicas))
	}
	if spec.Strategy.Type != "RollingUpdate" {
		t.Errorf("%s: want strategy RollingUpdate, got %q", where, spec.Strategy.Type)
	}
	if err := selects(spec.Selector, spec.Template.Metadata.Labels); err != nil {
		t.Errorf("%s: spec.selector: %v", where, err)
	}
	pod := spec.Template.Spec
	// cmd/interviewbot's stopTimeout: drain 20 s (a click's 15 s budget and
	// a margin), answers of cancelled handlers 30 s, scheduler and HTTP
	// server 10 s, database 10 s.
	if g := pod.TerminationGracePeriodSeconds; g == nil || *g < 75 {
		t.Errorf("%s: terminationGracePeriodSeconds must be at least 75 (a graceful stop takes up to 70 s), got %s", where, show(g))
	}
	if pod.Affinity == nil || pod.Affinity.PodAntiAffinity == nil || len(pod.Affinity.PodAntiAffinity.Preferred) == 0 {
		t.Errorf("%s: want a preferred pod anti-affinity spreading replicas over nodes", where)
	} else {
		for _, p := range pod.Affinity.PodAntiAffinity.Preferred {
			if p.PodAffinityTerm.TopologyKey != "kubernetes.io/hostname" {
				t.Errorf("%s: anti-affinity topologyKey %q, want kubernetes.io/hostname", where, p.PodAffinityTerm.TopologyKey)
			}
			if err := selects(p.PodAffinityTerm.LabelSelector, spec.Template.Metadata.Labels); err != nil {
				t.Errorf("%s: anti-affinity: %v", where, err)
			}
		}
	}

	if c.Image == "" {
		t.Errorf("%s: container has no image", where)
	}
	if !slices.Equal(c.Args, []string{"run"}) {
		t.Errorf("%s: want args [run], got %v", where, c.Args)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		if e.Value != nil {
			env[e.Name] = *e.Value
		}
	}
	if env["HTTP_ADDR"] != fmt.Sprintf(":%d", httpPort) {
		t.Errorf("%s: want HTTP_ADDR :%d, got %q", where, httpPort, env["HTTP_ADDR"])
	}
	if n, err := portNumber(c, "http"); err != nil || n != httpPort {
		t.Errorf("%s: want a container port named http = %d (%v)", where, httpPort, err)
	}

	for _, p := range []struct {
		name  string
		probe *probe
		paths []string
	}{
		{"livenessProbe", c.LivenessProbe, []string{"/healthz"}},
		{"readinessProbe", c.ReadinessProbe, []string{"/readyz"}},
		{"startupProbe", c.StartupProbe, []string{"/healthz", "/readyz"}},
	} {
		if p.probe == nil || p.probe.HTTPGet == nil {
			t.Errorf("%s: want an httpGet %s", where, p.name)
			continue
		}
		if !slices.Contains(p.paths, p.probe.HTTPGet.Path) {
			t.Errorf("%s: %s path %q, want one of %v", where, p.name, p.probe.HTTPGet.Path, p.paths)
		}
		if n, err := portNumber(c, p.probe.HTTPGet.Port); err != nil || n != httpPort {
			t.Errorf("%s: %s port %v is not %d (%v)", where, p.name, p.probe.HTTPGet.Port, httpPort, err)
		}
	}
	if sp := c.StartupProbe; sp != nil {
		// auth.test alone may take 10 s before HTTP is served.
		period, failures := cmpOr(sp.PeriodSeconds, 10), cmpOr(sp.FailureThreshold, 3)
		if period*failures < 30 {
			t.Errorf("%s: startupProbe allows only %d s for start-up; want at least 30", where, period*failures)
		}
	}

	for _, kind := range []string{"requests", "limits"} {
		m := c.Resources.Requests
		if kind == "limits" {
			m = c.Resources.Limits
		}
		for _, r := range []string{"cpu", "memory"} {
			if m[r] == "" {
				t.Errorf("%s: want resources.%s.%s", where, kind, r)
			}
		}
	}

	// Security: the pod or the container may say it; the container wins.
	podSC, cSC := pod.SecurityContext, c.SecurityContext
	if podSC == nil {
		podSC = &securityContext{}
	}
	if cSC == nil {
		t.Fatalf("%s: the container needs a securityContext", where)
	}
	if !isTrue(cSC.RunAsNonRoot) && !(cSC.RunAsNonRoot == nil && isTrue(podSC.RunAsNonRoot)) {
		t.Errorf("%s: want runAsNonRoot: true", where)
	}
	for _, sc := range []*securityContext{podSC, cSC} {
		if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			t.Errorf("%s: runAsUser 0 is root", where)
		}
	}
	if !isTrue(cSC.ReadOnlyRootFilesystem) {
		t.Errorf("%s: want readOnlyRootFilesystem: true", where)
	}
	if cSC.AllowPrivilegeEscalation == nil || *cSC.AllowPrivilegeEscalation {
		t.Errorf("%s: want allowPrivilegeEscalation: false", where)
	}
	if isTrue(cSC.Privileged) {
		t.Errorf("%s: the container must not be privileged", where)
	}
	if cSC.Capabilities == nil || !slices.Contains(cSC.Capabilities.Drop, "ALL") || len(cSC.Capabilities.Add) > 0 {
		t.Errorf("%s: want capabilities drop [ALL] and nothing added", where)
	}
	seccomp := cSC.SeccompProfile
	if seccomp == nil {
		seccomp = podSC.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != "RuntimeDefault" {
		t.Errorf("%s: want seccompProfile RuntimeDefault", where)
	}
}

// show prints a pointer's value, or "unset".
func show[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func isTrue(b *bool) bool { return b != nil && *b }

// TestSelectorsMatchPods: the PodDisruptionBudget and the Service select
// the Deployment's pods.
func TestSelectorsMatchPods(t *testing.T) {
	objs := k8sObjects(t)
	dep, c := botContainer(t, objs)
	labels := dep.Spec.Template.Metadata.Labels

	var pdb struct {
		header `yaml:",inline"`
		Spec   struct {
			MinAvailable   any           `yaml:"minAvailable"`
			MaxUnavailable any           `yaml:"maxUnavailable"`
			Selector       labelSelector `yaml:"selector"`
		} `yaml:"spec"`
	}
	d := one(t, objs, "PodDisruptionBudget")
	d.decode(t, &pdb)
	if pdb.APIVersion != "policy/v1" {
		t.Errorf("%s: apiVersion %q, want policy/v1", d, pdb.APIVersion)
	}
	if err := selects(pdb.Spec.Selector, labels); err != nil {
		t.Errorf("%s: %v", d, err)
	}
	if pdb.Spec.MinAvailable != 1 || pdb.Spec.MaxUnavailable != nil {
		t.Errorf("%s: want minAvailable 1 (and no maxUnavailable), got %v", d, pdb.Spec.MinAvailable)
	}
	if r := dep.Spec.Replicas; r != nil && *r <= 1 {
		t.Errorf("%s: minAvailable 1 with %d replica(s) blocks every node drain", d, *r)
	}

	var svc struct {
		header `yaml:",inline"`
		Spec   struct {
			Type     string            `yaml:"type"`
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				Name       string `yaml:"name"`
				Port       int    `yaml:"port"`
				TargetPort any    `yaml:"targetPort"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}
	d = one(t, objs, "Service")
	d.decode(t, &svc)
	if svc.Spec.Type != "" && svc.Spec.Type != "ClusterIP" {
		t.Errorf("%s: type %q, want ClusterIP (Slack needs no inbound traffic)", d, svc.Spec.Type)
	}
	if err := selects(labelSelector{MatchLabels: svc.Spec.Selector}, labels); err != nil {
		t.Errorf("%s: %v", d, err)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "http" || svc.Spec.Ports[0].Port != httpPort {
		t.Fatalf("%s: want one port named http on %d, got %+v", d, httpPort, svc.Spec.Ports)
	}
	target := svc.Spec.Ports[0].TargetPort
	if target == nil {
		target = svc.Spec.Ports[0].Port
	}
	if n, err := portNumber(c, target); err != nil || n != httpPort {
		t.Errorf("%s: targetPort %v does not reach container port %d (%v)", d, target, httpPort, err)
	}
}

// TestSecretExample: the example Secret holds exactly what the Deployment
// reads from it, with placeholders of the right shape.
func TestSecretExample(t *testing.T) {
	objs := k8sObjects(t)
	_, c := botContainer(t, objs)
	var sec struct {
		header     `yaml:",inline"`
		Data       map[string]string `yaml:"data"`
		StringData map[string]string `yaml:"stringData"`
	}
	d := one(t, objs, "Secret")
	if filepath.Base(d.file) != secretFile {
		t.Errorf("the Secret lives in %s; only %s may hold one (an example)", d.file, secretFile)
	}
	d.decode(t, &sec)
	if len(sec.Data) > 0 {
		t.Errorf("%s: use stringData placeholders, not data", d)
	}
	keys := slices.Sorted(maps.Keys(sec.StringData))
	if want := []string{"DATABASE_URL", "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"}; !slices.Equal(keys, want) {
		t.Errorf("%s: stringData keys %v, want %v", d, keys, want)
	}
	for key, prefix := range map[string]string{"SLACK_APP_TOKEN": "xapp-", "SLACK_BOT_TOKEN": "xoxb-", "DATABASE_URL": "postgres://"} {
		if !strings.HasPrefix(sec.StringData[key], prefix) {
			t.Errorf("%s: %s placeholder should start with %s", d, key, prefix)
		}
	}
	var refs []string
	for _, ef := range c.EnvFrom {
		if ef.SecretRef != nil {
			refs = append(refs, ef.SecretRef.Name)
		}
	}
	if !slices.Contains(refs, sec.Metadata.Name) {
		t.Errorf("the Deployment's envFrom secretRefs %v do not name the Secret %q", refs, sec.Metadata.Name)
	}
}

// TestKustomization: lists every manifest but the Secret example, and
// nothing that does not exist.
func TestKustomization(t *testing.T) {
	objs := k8sObjects(t)
	d := one(t, objs, "Kustomization")
	var k struct {
		Resources []string `yaml:"resources"`
		Images    []struct {
			Name string `yaml:"name"`
		} `yaml:"images"`
	}
	d.decode(t, &k)
	var want []string
	for _, f := range yamlFiles(t) {
		if filepath.Dir(f) != k8sDir {
			continue
		}
		base := filepath.Base(f)
		if base != kustomFile && !strings.Contains(base, ".example.") {
			want = append(want, base)
		}
	}
	got := slices.Sorted(slices.Values(k.Resources))
	if !slices.Equal(got, want) {
		t.Errorf("%s: resources %v, want %v (every manifest except examples)", d, got, want)
	}
	if slices.Contains(k.Resources, secretFile) {
		t.Errorf("%s: must not list %s", d, secretFile)
	}
	_, c := botContainer(t, objs)
	image, _, _ := strings.Cut(c.Image, "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	for _, img := range k.Images {
		if img.Name != image {
			t.Errorf("%s: images entry %q does not match the Deployment's image %q", d, img.Name, image)
		}
	}
}

// ---------------------------------------------------------------------------
// docker-compose.yml, .env.example, Dockerfile

// composeVar matches ${NAME}, ${NAME:-default} and ${NAME-default}.
var composeVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}`)

// interpolate substitutes Compose variables with their defaults, as Compose
// would with an empty environment.
func interpolate(s string) string {
	return composeVar.ReplaceAllString(s, "$2")
}

func TestCompose(t *testing.T) {
	docs := mustParse(t, composeFile)
	if len(docs) != 1 {
		t.Fatalf("%s: want one document, got %d", composeFile, len(docs))
	}
	type service struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		EnvFile     any               `yaml:"env_file"`
		Volumes     []string          `yaml:"volumes"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	}
	var cf struct {
		Services map[string]service `yaml:"services"`
		Volumes  map[string]any     `yaml:"volumes"`
	}
	docs[0].decode(t, &cf)

	pg, ok := cf.Services["postgres"]
	if !ok {
		t.Fatalf("%s: no postgres service", composeFile)
	}
	if !strings.HasPrefix(pg.Image, "postgres:15") {
		t.Errorf("postgres: image %q, want postgres:15", pg.Image)
	}
	if pg.Environment["POSTGRES_DB"] != "interviewbot" {
		t.Errorf("postgres: want POSTGRES_DB interviewbot, got %q", pg.Environment["POSTGRES_DB"])
	}
	if pg.Healthcheck == nil || !strings.Contains(strings.Join(pg.Healthcheck.Test, " "), "pg_isready") {
		t.Errorf("postgres: want a pg_isready healthcheck")
	}
	named := false
	for _, v := range pg.Volumes {
		src, dst, _ := strings.Cut(v, ":")
		if _, ok := cf.Volumes[src]; ok && strings.HasPrefix(dst, "/var/lib/postgresql/data") {
			named = true
		}
	}
	if !named {
		t.Errorf("postgres: want a named volume (declared under volumes:) on /var/lib/postgresql/data, got %v", pg.Volumes)
	}

	bot, ok := cf.Services["bot"]
	if !ok {
		t.Fatalf("%s: no bot service", composeFile)
	}
	if bot.Build == nil {
		t.Errorf("bot: want build: .")
	}
	if dep, ok := bot.DependsOn["postgres"]; !ok || dep.Condition != "service_healthy" {
		t.Errorf("bot: want depends_on postgres with condition service_healthy")
	}
	if bot.Healthcheck == nil || !slices.Equal(bot.Healthcheck.Test, []string{"CMD", "/interviewbot", "healthcheck"}) {
		t.Errorf("bot: want a healthcheck running the binary's own healthcheck subcommand (distroless has no curl)")
	}
	if !strings.Contains(fmt.Sprint(bot.EnvFile), ".env") {
		t.Errorf("bot: want env_file .env (the tokens), got %v", bot.EnvFile)
	}
	for _, secretVar := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"} {
		if _, ok := bot.Environment[secretVar]; ok {
			t.Errorf("bot: %s belongs in .env, not in %s", secretVar, composeFile)
		}
	}
	raw := bot.Environment["DATABASE_URL"]
	u, err := url.Parse(interpolate(raw))
	if err != nil {
		t.Fatalf("bot: DATABASE_URL %q: %v", raw, err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" || u.Hostname() != "postgres" ||
		u.Path != "/interviewbot" || u.Query().Get("sslmode") != "disable" {
		t.Errorf("bot: DATABASE_URL %q: want postgres://…@postgres:5432/interviewbot?sslmode=disable", raw)
	}
	if pw, _ := u.User.Password(); pw != interpolate(pg.Environment["POSTGRES_PASSWORD"]) || u.User.Username() != pg.Environment["POSTGRES_USER"] {
		t.Errorf("bot: DATABASE_URL's user and password differ from the postgres service's")
	}
	if got := bot.Environment["HTTP_ADDR"]; got != "" && got != fmt.Sprintf(":%d", httpPort) {
		t.Errorf("bot: HTTP_ADDR %q, want :%d", got, httpPort)
	}
}

func TestEnvExample(t *testing.T) {
	f, err := os.Open(envExample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" {
			t.Errorf("%s:%d: want NAME=value, got %q", envExample, n, line)
			continue
		}
		vars[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for k, prefix := range map[string]string{"SLACK_APP_TOKEN": "xapp-", "SLACK_BOT_TOKEN": "xoxb-"} {
		v, ok := vars[k]
		if !ok || !strings.HasPrefix(v, prefix) || !strings.Contains(strings.ToUpper(v), "REPLACE") {
			t.Errorf("%s: want a placeholder %s=%sREPLACE-ME, got %q", envExample, k, prefix, v)
		}
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines; drop comments.
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	var lines []string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	var froms []string
	for _, l := range lines {
		if f, ok := strings.CutPrefix(strings.ToUpper(l), "FROM "); ok {
			froms = append(froms, strings.ToLower(f))
		}
	}
	if len(froms) < 2 {
		t.Fatalf("%s: want a multi-stage build, found FROM %v", dockerfile, froms)
	}
	final := froms[len(froms)-1]
	all := strings.Join(lines, "\n")
	switch {
	case strings.HasPrefix(final, "gcr.io/distroless/static"):
	case strings.HasPrefix(final, "scratch"):
		// scratch has no TLS roots or time zones of its own.
		if !strings.Contains(all, "ca-certificates") {
			t.Errorf("%s: a scratch image needs the CA certificates copied in", dockerfile)
		}
	default:
		t.Errorf("%s: final stage %q, want distroless static or scratch", dockerfile, final)
	}
	for _, want := range []string{
		"CGO_ENABLED=0", "-trimpath", `-ldflags="-s -w"`, "./cmd/interviewbot",
		"EXPOSE " + fmt.Sprint(httpPort), `ENTRYPOINT ["/interviewbot"]`, `CMD ["run"]`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("%s: missing %s", dockerfile, want)
		}
	}
	// time.LoadLocation needs the zone database: embedded or copied.
	if !strings.Contains(all, "timetzdata") && !strings.Contains(all, "zoneinfo") {
		t.Errorf("%s: want -tags timetzdata (or /usr/share/zoneinfo copied into the image)", dockerfile)
	}
	user := ""
	for _, l := range lines {
		if u, ok := strings.CutPrefix(l, "USER "); ok {
			user = strings.TrimSpace(u)
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("%s: the final stage must run as a non-root USER, got %q", dockerfile, user)
	}

	ignore, err := os.ReadFile(dockerignore)
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for l := range strings.Lines(string(ignore)) {
		patterns = append(patterns, strings.TrimSpace(l))
	}
	for _, must := range []string{".git", ".env"} {
		if !slices.Contains(patterns, must) {
			t.Errorf("%s: must exclude %s", dockerignore, must)
		}
	}
}

// ---------------------------------------------------------------------------
// Slack app manifest

type slackManifest struct {
	Metadata struct {
		MajorVersion int `yaml:"major_version"`
	} `yaml:"_metadata"`
	DisplayInformation struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
	} `yaml:"display_information"`
	Features struct {
		BotUser *struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			Description  string `yaml:"description"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape *bool  `yaml:"should_escape"`
			URL          string `yaml:"url"`
		} `yaml:"slash_commands"`
		Shortcuts []any `yaml:"shortcuts"`
		AppHome   struct {
			HomeTabEnabled     bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled bool `yaml:"messages_tab_enabled"`
		} `yaml:"app_home"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
		RedirectURLs []string `yaml:"redirect_urls"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions *struct {
			BotEvents  []string `yaml:"bot_events"`
			UserEvents []string `yaml:"user_events"`
			RequestURL string   `yaml:"request_url"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     *bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    *bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled *bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

func loadManifest(t *testing.T) slackManifest {
	t.Helper()
	docs := mustParse(t, manifestFile)
	if len(docs) != 1 {
		t.Fatalf("%s: want one document, got %d", manifestFile, len(docs))
	}
	var m slackManifest
	docs[0].decode(t, &m)
	return m
}

// The product's one slash command (see docs/commands.md).
const slashCommand = "/interview"

var botDisplayName = regexp.MustCompile(`^[a-z0-9._-]{1,80}$`)

func TestSlackManifest(t *testing.T) {
	m := loadManifest(t)
	if m.Metadata.MajorVersion != 1 {
		t.Errorf("_metadata.major_version %d, want 1", m.Metadata.MajorVersion)
	}
	di := m.DisplayInformation
	if di.Name != "interviewbot" || len([]rune(di.Name)) > 35 {
		t.Errorf("display_information.name %q: want interviewbot (at most 35 characters)", di.Name)
	}
	if n := len([]rune(di.Description)); n == 0 || n > 140 {
		t.Errorf("display_information.description: %d characters, want 1..140", n)
	}
	if bu := m.Features.BotUser; bu == nil || !botDisplayName.MatchString(bu.DisplayName) || !bu.AlwaysOnline {
		t.Errorf("features.bot_user: want display_name interviewbot ([a-z0-9._-], at most 80) and always_online true")
	}
	if len(m.Features.SlashCommands) != 1 {
		t.Fatalf("features.slash_commands: want exactly %s, got %d commands", slashCommand, len(m.Features.SlashCommands))
	}
	sc := m.Features.SlashCommands[0]
	if sc.Command != slashCommand {
		t.Errorf("slash command %q, want %s", sc.Command, slashCommand)
	}
	if n := len([]rune(sc.Description)); n == 0 || n > 2000 {
		t.Errorf("%s: description of %d characters, want 1..2000", slashCommand, n)
	}
	if n := len([]rune(sc.UsageHint)); n == 0 || n > 1000 {
		t.Errorf("%s: usage_hint of %d characters, want 1..1000", slashCommand, n)
	}
	if sc.ShouldEscape == nil || !*sc.ShouldEscape {
		t.Errorf("%s: want should_escape: true (a kit's panel must arrive as <@U…> user ids)", slashCommand)
	}
	if sc.URL != "" {
		t.Errorf("%s: no url with Socket Mode", slashCommand)
	}
	s := m.Settings
	if !isTrue(s.SocketModeEnabled) {
		t.Errorf("settings.socket_mode_enabled: want true")
	}
	if !s.Interactivity.IsEnabled || s.Interactivity.RequestURL != "" {
		t.Errorf("settings.interactivity: want is_enabled true and no request_url (Socket Mode)")
	}
	if s.OrgDeployEnabled == nil || *s.OrgDeployEnabled {
		t.Errorf("settings.org_deploy_enabled: want false")
	}
	if s.TokenRotationEnabled == nil || *s.TokenRotationEnabled {
		t.Errorf("settings.token_rotation_enabled: want false (the bot holds a long-lived xoxb- token)")
	}
}

// ---------------------------------------------------------------------------
// Scopes: the manifest asks for exactly the bot scopes the code needs.

// socketFrame stands for slack-go calls that only write to the Socket Mode
// WebSocket (acks) and call no Web API method.
const socketFrame = "(socket mode frame)"

// scopeOf is the bot scope each Web API method needs ("" for none).
// Sources: each method's page on docs.slack.dev ("Required scopes").
var scopeOf = map[string]string{
	"chat.postMessage":   "chat:write",
	"chat.postEphemeral": "chat:write",
	"chat.update":        "chat:write",
	"users.info":         "users:read",
	"views.open":         "", // works with any token, given a trigger_id
	"chat.getPermalink":  "", // no scope required
	"auth.test":          "", // no scope required
	"views.publish":      "", // no scope required (the Home tab must be on)
	// Called with the app-level token (xapp-…), whose connections:write
	// scope is granted by hand in the app settings, not in the manifest.
	"apps.connections.open": "",
	socketFrame:             "",
}

// eventScope is the bot scope each Events API event needs ("" for none).
// Sources: each event's page on docs.slack.dev ("Required scopes").
var eventScope = map[string]string{
	"app_home_opened": "", // none, given a bot user and the Home tab
}

// slashCommandScope is what a declared slash command needs.
const slashCommandScope = "commands"

// slackGoCalls maps each slack-go method the code may call to the Web API
// method it invokes. A call not listed here fails TestManifestScopes: add it
// with its Web API method, and its scope to scopeOf, deciding whether the
// manifest must ask for more.
var slackGoCalls = map[string]string{
	// Also used for response_url posts (MsgOptionResponseURL), which need no
	// scope; chat.postMessage itself needs chat:write.
	"slack.Client.PostMessageContext":   "chat.postMessage",
	"slack.Client.PostMessage":          "chat.postMessage",
	"slack.Client.PostEphemeralContext": "chat.postEphemeral",
	"slack.Client.PostEphemeral":        "chat.postEphemeral",
	"slack.Client.UpdateMessageContext": "chat.update",
	"slack.Client.UpdateMessage":        "chat.update",
	"slack.Client.OpenViewContext":      "views.open",
	"slack.Client.OpenView":             "views.open",
	"slack.Client.GetUserInfoContext":   "users.info",
	"slack.Client.GetUserInfo":          "users.info",
	"slack.Client.GetPermalinkContext":  "chat.getPermalink",
	"slack.Client.GetPermalink":         "chat.getPermalink",
	"slack.Client.AuthTestContext":      "auth.test",
	"slack.Client.AuthTest":             "auth.test",
	"slack.Client.PublishViewContext":   "views.publish",
	"slack.Client.PublishView":          "views.publish",
	"socketmode.Client.RunContext":      "apps.connections.open",
	"socketmode.Client.Run":             "apps.connections.open",
	"socketmode.Client.AckCtx":          socketFrame,
	"socketmode.Client.Ack":             socketFrame,
}

// slackCall is one use of a slack-go API method in the bot's code.
type slackCall struct {
	name string // "slack.Client.PostMessageContext"
	pos  string // file:line
}

// networkFunc names slack-go package-level functions that call Slack
// without a Client (webhooks, OAuth exchanges).
var networkFunc = regexp.MustCompile(`^(PostWebhook|GetOAuth|GetOpenIDConnect|RefreshOAuth)`)

// apiClientTypes are the slack-go types whose methods talk to Slack.
var apiClientTypes = map[string]bool{"slack.Client": true, "socketmode.Client": true, "slack.RTM": true}

// scannedPackage is one package of the interviewbot binary.
type scannedPackage struct {
	importPath string
	dir        string
	files      []string
}

// goList runs `go list args...` in the module root and returns its output.
func goList(t *testing.T, args ...string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the scope check needs the go command to type-check the bot's code: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, append([]string{"list"}, args...)...)
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// slackPackages returns the module's own packages linked into
// cmd/interviewbot that import slack-go (non-test files, as the build
// selects them), and the export data of everything they import.
//
// Only packages importing slack-go are type-checked, so that a package
// being reworked elsewhere (storage, say) cannot break this test; a package
// that calls a slack-go method without importing slack-go (through a value
// another package hands it) would be missed, which the code does not do.
func slackPackages(t *testing.T) ([]scannedPackage, map[string]string) {
	t.Helper()
	// Metadata only: nothing is compiled.
	out := goList(t, "-deps",
		"-f", `{{if and .Module .Module.Main}}{{.ImportPath}}{{"\t"}}{{.Dir}}{{"\t"}}{{join .GoFiles ","}}{{"\t"}}{{join .Imports ","}}{{end}}`,
		"./cmd/interviewbot")
	var pkgs []scannedPackage
	var paths []string
	for line := range strings.Lines(out) {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("go list: unexpected line %q", line)
		}
		importsSlack := false
		for _, imp := range strings.Split(f[3], ",") {
			importsSlack = importsSlack || imp == "github.com/slack-go/slack" || strings.HasPrefix(imp, "github.com/slack-go/slack/")
		}
		if !importsSlack || f[2] == "" {
			continue
		}
		p := scannedPackage{importPath: f[0], dir: f[1]}
		for _, name := range strings.Split(f[2], ",") {
			p.files = append(p.files, filepath.Join(f[1], name))
		}
		pkgs = append(pkgs, p)
		paths = append(paths, f[0])
	}
	if len(pkgs) == 0 {
		return nil, nil
	}
	exports := map[string]string{}
	out = goList(t, append([]string{"-export", "-deps", "-f", `{{.ImportPath}}{{"\t"}}{{.Export}}`}, paths...)...)
	for line := range strings.Lines(out) {
		if path, file, ok := strings.Cut(strings.TrimSpace(line), "\t"); ok && file != "" {
			exports[path] = file
		}
	}
	return pkgs, exports
}

// scanSlackUses type-checks the packages and returns every use of a
// slack-go method on a client type and of every package function that calls
// Slack (as calls), and the
// socketmode event types the code refers to.
//
// Events API event types the code refers to (slackevents' constants, such
// as slackevents.AppHomeOpened) come back in events by their wire name.
func scanSlackUses(t *testing.T, pkgs []scannedPackage, exports map[string]string) (calls []slackCall, events map[string]bool) {
	t.Helper()
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	})
	events = map[string]bool{}
	for _, p := range pkgs {
		var files []*ast.File
		for _, name := range p.files {
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			files = append(files, f)
		}
		info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
		conf := types.Config{Importer: imp, Sizes: types.SizesFor("gc", runtime.GOARCH)}
		if _, err := conf.Check(p.importPath, fset, files, info); err != nil {
			t.Fatalf("type-check %s: %v", p.importPath, err)
		}
		for id, obj := range info.Uses {
			if obj.Pkg() == nil || !strings.HasPrefix(obj.Pkg().Path(), "github.com/slack-go/slack") {
				continue
			}
			pos := fset.Position(id.Pos())
			where := fmt.Sprintf("%s:%d", relPath(pos.Filename), pos.Line)
			switch obj := obj.(type) {
			case *types.Const:
				if obj.Pkg().Name() == "socketmode" && strings.HasPrefix(obj.Name(), "EventType") {
					events[obj.Name()] = true
				}
				if n, ok := obj.Type().(*types.Named); ok && obj.Pkg().Name() == "slackevents" && n.Obj().Name() == "EventsAPIType" {
					events[constant.StringVal(obj.Val())] = true
				}
			case *types.Func:
				sig := obj.Type().(*types.Signature)
				if sig.Recv() == nil {
					if networkFunc.MatchString(obj.Name()) || takesContext(sig) {
						calls = append(calls, slackCall{obj.Pkg().Name() + "." + obj.Name(), where})
					}
					continue
				}
				recv := sig.Recv().Type()
				if ptr, ok := recv.(*types.Pointer); ok {
					recv = ptr.Elem()
				}
				named, ok := recv.(*types.Named)
				if !ok {
					continue
				}
				typeName := named.Obj().Pkg().Name() + "." + named.Obj().Name()
				if apiClientTypes[typeName] {
					calls = append(calls, slackCall{typeName + "." + obj.Name(), where})
				}
			}
		}
	}
	slices.SortFunc(calls, func(a, b slackCall) int { return strings.Compare(a.pos+a.name, b.pos+b.name) })
	return calls, events
}

func takesContext(sig *types.Signature) bool {
	for v := range sig.Params().Variables() {
		if n, ok := v.Type().(*types.Named); ok && n.Obj().Pkg() != nil &&
			n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context" {
			return true
		}
	}
	return false
}

func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(filepath.Dir(wd), p); err == nil {
			return r
		}
	}
	return p
}

// apiCallText finds `api.Xxx(` calls by text: a cross-check that the
// type-based scan saw every call on the slack-go client field.
var apiCallText = regexp.MustCompile(`\bapi\.([A-Z]\w*)\(`)

func TestScopeTables(t *testing.T) {
	for call, method := range slackGoCalls {
		if _, ok := scopeOf[method]; !ok {
			t.Errorf("slackGoCalls[%q] = %q, which has no entry in scopeOf", call, method)
		}
	}
}

func TestManifestScopes(t *testing.T) {
	pkgs, exports := slackPackages(t)
	var scanned []string
	for _, p := range pkgs {
		scanned = append(scanned, strings.TrimPrefix(p.importPath, "github.com/interviewbot/interviewbot/"))
	}
	for _, must := range []string{"bot", "handlers"} {
		if !slices.Contains(scanned, must) {
			t.Fatalf("package %s is not among the packages of cmd/interviewbot that import slack-go %v: the scan would miss its calls", must, scanned)
		}
	}
	calls, events := scanSlackUses(t, pkgs, exports)
	if len(calls) == 0 {
		t.Fatalf("no slack-go client call found in %v: the scanner is broken", scanned)
	}

	// Cross-check by text: every `api.Xxx(` in the scanned files was seen.
	seen := map[string]bool{}
	for _, c := range calls {
		seen[c.name[strings.LastIndex(c.name, ".")+1:]] = true
	}
	for _, p := range pkgs {
		for _, file := range p.files {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range apiCallText.FindAllSubmatch(src, -1) {
				if !seen[string(m[1])] {
					t.Errorf("%s: api.%s( was not found by the type-based scan", relPath(file), m[1])
				}
			}
		}
	}

	// The Web API methods the code calls, and the scopes they need.
	needed := map[string][]string{} // scope -> why
	methods := map[string]bool{}
	for _, c := range calls {
		method, ok := slackGoCalls[c.name]
		if !ok {
			t.Errorf("%s: %s is not in slackGoCalls: add it with the Web API method it calls, and that method's bot scope to scopeOf", c.pos, c.name)
			continue
		}
		methods[method] = true
		scope, ok := scopeOf[method]
		if !ok {
			t.Errorf("%s: %s calls %s, which has no entry in scopeOf", c.pos, c.name, method)
			continue
		}
		if scope != "" {
			needed[scope] = append(needed[scope], method+" ("+c.pos+")")
		}
	}
	t.Logf("Web API methods called: %v", slices.Sorted(maps.Keys(methods)))

	m := loadManifest(t)
	// Slash commands: the code handles them, so the manifest declares
	// /interview, which needs the commands scope.
	if events["EventTypeSlashCommand"] {
		if len(m.Features.SlashCommands) == 0 {
			t.Errorf("the bot handles slash commands but %s declares none", manifestFile)
		}
		needed[slashCommandScope] = append(needed[slashCommandScope], "slash command "+slashCommand)
	} else if len(m.Features.SlashCommands) > 0 {
		t.Errorf("%s declares slash commands the code does not handle", manifestFile)
	}
	if events["EventTypeInteractive"] != m.Settings.Interactivity.IsEnabled {
		t.Errorf("interactivity: the code handles interactive envelopes = %v, the manifest enables interactivity = %v",
			events["EventTypeInteractive"], m.Settings.Interactivity.IsEnabled)
	}
	// Event subscriptions: exactly the Events API events the code handles,
	// each with the scope it needs (app_mention -> app_mentions:read, …).
	var subscribed []string
	if es := m.Settings.EventSubscriptions; es != nil {
		subscribed = es.BotEvents
		if len(es.UserEvents) > 0 || es.RequestURL != "" {
			t.Errorf("%s: event_subscriptions: want bot_events only, no user_events and no request_url (Socket Mode)", manifestFile)
		}
	}
	for _, ev := range subscribed {
		scope, ok := eventScope[ev]
		switch {
		case !ok:
			t.Errorf("%s: bot event %s has no entry in eventScope: add it with the scope it needs", manifestFile, ev)
		case !events[ev]:
			t.Errorf("%s: subscribes to %s, which the code does not handle", manifestFile, ev)
		case scope != "":
			needed[scope] = append(needed[scope], "event "+ev)
		}
	}
	for ev := range eventScope {
		if events[ev] && !slices.Contains(subscribed, ev) {
			t.Errorf("the code handles %s but %s does not subscribe to it", ev, manifestFile)
		}
	}
	if events["app_home_opened"] != m.Features.AppHome.HomeTabEnabled {
		t.Errorf("%s: features.app_home.home_tab_enabled = %v, but the code handling app_home_opened = %v", manifestFile, m.Features.AppHome.HomeTabEnabled, events["app_home_opened"])
	}
	if !m.Features.AppHome.MessagesTabEnabled {
		t.Errorf("%s: features.app_home.messages_tab_enabled must be true: the bot sends direct messages", manifestFile)
	}
	if len(m.Features.Shortcuts) > 0 {
		t.Errorf("%s: shortcuts are not handled by the code", manifestFile)
	}

	have := map[string]bool{}
	for _, s := range m.OAuthConfig.Scopes.Bot {
		if have[s] {
			t.Errorf("%s: bot scope %s listed twice", manifestFile, s)
		}
		have[s] = true
	}
	for _, scope := range slices.Sorted(maps.Keys(needed)) {
		if !have[scope] {
			t.Errorf("%s: missing bot scope %s, needed by %v", manifestFile, scope, needed[scope])
		}
	}
	for _, scope := range slices.Sorted(maps.Keys(have)) {
		if _, ok := needed[scope]; !ok {
			t.Errorf("%s: bot scope %s is not needed by any call in the code (least privilege: remove it, or map the call that needs it)", manifestFile, scope)
		}
	}
	if len(m.OAuthConfig.Scopes.User) > 0 {
		t.Errorf("%s: user scopes %v: the bot acts only with its bot token", manifestFile, m.OAuthConfig.Scopes.User)
	}
}
