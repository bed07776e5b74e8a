{{/* Names, labels and checks shared by every template. */}}

{{- define "smpc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "smpc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "smpc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "smpc.labels" -}}
helm.sh/chart: {{ include "smpc.chart" . }}
app.kubernetes.io/name: {{ include "smpc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: smpc
smpc.io/cluster: {{ .Values.party.cluster | quote }}
smpc.io/party: {{ .Values.party.id | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector of one component (node or worker) of this release. */}}
{{- define "smpc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "smpc.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Selector of every pod of every party of this MPC cluster (spread rules). */}}
{{- define "smpc.clusterSelector" -}}
app.kubernetes.io/part-of: smpc
smpc.io/cluster: {{ .Values.party.cluster | quote }}
{{- end -}}

{{- define "smpc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "smpc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "smpc.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "smpc.keySecret" -}}
{{- $name := tpl (required "key.existingSecret is required: create a Secret with this party's key (kubectl create secret generic NAME --from-file=node.key=party.key) and name it here" .Values.key.existingSecret) . -}}
{{- $name -}}
{{- end -}}

{{- define "smpc.clusterConfigMap" -}}
{{- if .Values.cluster.existingConfigMap -}}
{{- tpl .Values.cluster.existingConfigMap . -}}
{{- else -}}
{{- printf "%s-cluster" (include "smpc.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Fails the render early on values that cannot work. */}}
{{- define "smpc.validate" -}}
{{- if and (not .Values.cluster.file) (not .Values.cluster.existingConfigMap) -}}
{{- fail "cluster.file is required: pass the cluster file with --set-file cluster.file=cluster.json (or name an existing ConfigMap in cluster.existingConfigMap)" -}}
{{- end -}}
{{- if .Values.cluster.file -}}
{{- $c := .Values.cluster.file | fromJson -}}
{{- if hasKey $c "Error" -}}
{{- fail (printf "cluster.file is not valid JSON (%s): pass the file smpc wrote, with --set-file" $c.Error) -}}
{{- end -}}
{{- $found := false -}}
{{- range $c.parties -}}
{{- if eq (int .id) (int $.Values.party.id) -}}{{- $found = true -}}{{- end -}}
{{- end -}}
{{- if not $found -}}
{{- fail (printf "party.id %v is not a party of cluster.file: set party.id to this organisation's id in the cluster file" .Values.party.id) -}}
{{- end -}}
{{- /* The node listens where the cluster file says (its bind, else its
endpoint); the pod's peer port and Services must be that port. */ -}}
{{- range $c.parties -}}
{{- if eq (int .id) (int $.Values.party.id) -}}
{{- $bind := default .endpoint .bind -}}
{{- if not (hasSuffix (printf ":%d" (int $.Values.node.ports.peer)) $bind) -}}
{{- fail (printf "cluster.file binds party %v on %s but node.ports.peer is %v: make the cluster file's bind tcp://*:%v (or set node.ports.peer to its port)" .id $bind $.Values.node.ports.peer $.Values.node.ports.peer) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $base := include "smpc.nodeConfigBase" . | fromJson -}}
{{- range $k, $_ := .Values.node.config -}}
{{- if hasKey $base $k -}}
{{- fail (printf "node.config.%s is set by the chart (from party, node.ports, node.clients and the mounts): remove it from node.config" $k) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.workers.enabled (not .Values.nats.url) -}}
{{- fail "workers.enabled needs nats.url (the NATS JetStream server the node and the workers share)" -}}
{{- end -}}
{{- end -}}

{{/*
The node's configuration file (docs/node.md, "Configuration"): the fields
the chart owns, which match the pod's mounts and ports; node.config adds
the others (jobs, pool, uploads, log). The peer port is the cluster file's
`bind` of this party (checked in smpc.validate). NATS is a command-line
option of the node and the workers, not a field.
*/}}
{{- define "smpc.nodeConfigBase" -}}
{{- $clients := list -}}
{{- range .Values.node.clients -}}
{{- $clients = append $clients (dict "name" .name "public_key" .public_key "roles" .roles) -}}
{{- end -}}
{{- dict
  "party" (int .Values.party.id)
  "cluster" "/etc/smpc/cluster/cluster.json"
  "key" "/var/run/smpc/key/node.key"
  "store" "/var/lib/smpc/store.db"
  "client_endpoint" (printf "tcp://*:%d" (int .Values.node.ports.client))
  "http" (dict "host" "0.0.0.0" "port" (int .Values.node.ports.http))
  "clients" $clients
  | toJson -}}
{{- end -}}

{{- define "smpc.nodeConfig" -}}
{{- $base := include "smpc.nodeConfigBase" . | fromJson -}}
{{- mustMergeOverwrite (deepCopy .Values.node.config) $base | toPrettyJson -}}
{{- end -}}

{{/* Pod and container security settings: Pod Security "restricted". */}}
{{- define "smpc.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "smpc.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Spread rules for one component (podAntiAffinity + topology spread). */}}
{{- define "smpc.affinity" -}}
{{- $extra := .extra | default dict -}}
{{- if .root.Values.spread.enabled -}}
{{- /* Never share a node with another party's pods (of this MPC cluster). */ -}}
{{- $sel := dict "matchLabels" (include "smpc.clusterSelector" .root | fromYaml) "matchExpressions" (list (dict "key" "smpc.io/party" "operator" "NotIn" "values" (list (toString .root.Values.party.id)))) -}}
{{- $anti := dict "podAntiAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (list (dict "topologyKey" .root.Values.spread.antiAffinityTopologyKey "labelSelector" $sel))) -}}
{{- toYaml (mustMergeOverwrite (deepCopy $extra) $anti) -}}
{{- else if $extra -}}
{{- toYaml $extra -}}
{{- end -}}
{{- end -}}

{{- define "smpc.topologySpread" -}}
{{- range .Values.spread.topologyKeys }}
- maxSkew: {{ $.Values.spread.maxSkew }}
  topologyKey: {{ . }}
  whenUnsatisfiable: {{ $.Values.spread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "smpc.clusterSelector" $ | nindent 6 }}
      app.kubernetes.io/component: node
{{- end }}
{{- end -}}

{{/*
One NetworkPolicyPeer as a Cilium rule selector: ipBlock -> fromCIDR /
toCIDR (with except -> fromCIDRSet), podSelector (+ namespaceSelector) ->
endpoints with the namespace label Cilium derives.
*/}}
{{- define "smpc.ciliumPeer" -}}
{{- $p := .peer -}}
{{- $d := .dir -}}
{{- if $p.ipBlock -}}
{{ $d }}CIDRSet:
  - cidr: {{ $p.ipBlock.cidr }}
    {{- with $p.ipBlock.except }}
    except:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- else -}}
{{- $labels := dict -}}
{{- with $p.podSelector -}}{{- with .matchLabels -}}{{- $labels = deepCopy . -}}{{- end -}}{{- end -}}
{{- with $p.namespaceSelector -}}{{- with .matchLabels -}}
{{- range $k, $val := . -}}
{{- $_ := set $labels (printf "k8s:io.cilium.k8s.namespace.labels.%s" $k) $val -}}
{{- end -}}
{{- end -}}{{- end -}}
{{ $d }}Endpoints:
  - matchLabels:
      {{- toYaml $labels | nindent 6 }}
{{- end -}}
{{- end -}}
