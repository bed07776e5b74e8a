{{/*
The pod spec shared by the node (StatefulSet) and the workers (Deployment).
Call with (dict "root" $ "component" "node"|"worker").
*/}}
{{- define "smpc.podSpec" -}}
{{- $v := .root.Values -}}
{{- $c := ternary $v.node $v.workers (eq .component "node") -}}
serviceAccountName: {{ include "smpc.serviceAccountName" .root }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.node.runtimeClassName }}
runtimeClassName: {{ . }}
{{- end }}
{{- with $v.node.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- include "smpc.podSecurityContext" .root | nindent 2 }}
terminationGracePeriodSeconds: {{ $v.node.terminationGracePeriodSeconds }}
{{- with (include "smpc.affinity" (dict "root" .root "extra" $c.affinity)) }}
affinity:
  {{- . | nindent 2 }}
{{- end }}
{{- if and $v.spread.enabled (eq .component "node") }}
topologySpreadConstraints:
  {{- include "smpc.topologySpread" .root | trim | nindent 2 }}
{{- end }}
{{- with $c.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .component }}
    image: {{ include "smpc.image" .root | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    {{- if and (eq .component "node") $v.workers.enabled }}
    args: ["node", "--config", "/etc/smpc/node.json", "--nats", {{ $v.nats.url | quote }}]
    {{- else if eq .component "node" }}
    args: ["node", "--config", "/etc/smpc/node.json"]
    {{- else }}
    # The job meshes listen on the cluster file's bind (the peer port); the
    # other parties' workers reach this pod at its IP; the node's client
    # Service hands out the jobs' programs and shares.
    args: ["worker", "--config", "/etc/smpc/node.json", "--nats", {{ $v.nats.url | quote }},
           "--advertise", "tcp://$(POD_IP):{{ $v.node.ports.peer }}",
           "--node", "tcp://{{ include "smpc.fullname" .root }}:{{ $v.node.ports.client }}"]
    {{- end }}
    ports:
      - name: peer
        containerPort: {{ $v.node.ports.peer }}
        protocol: TCP
      {{- if eq .component "node" }}
      - name: client
        containerPort: {{ $v.node.ports.client }}
        protocol: TCP
      - name: http
        containerPort: {{ $v.node.ports.http }}
        protocol: TCP
      {{- end }}
    env:
      - name: POD_NAME
        valueFrom:
          fieldRef:
            fieldPath: metadata.name
      - name: POD_IP
        valueFrom:
          fieldRef:
            fieldPath: status.podIP
      {{- with $c.env }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    {{- /* Only the node serves HTTP; a worker that fails exits and is restarted. */}}
    {{- if eq .component "node" }}
    startupProbe:
      httpGet:
        path: /healthz
        port: http
      periodSeconds: {{ $v.node.startupProbe.periodSeconds }}
      failureThreshold: {{ $v.node.startupProbe.failureThreshold }}
    livenessProbe:
      httpGet:
        path: /healthz
        port: http
      {{- toYaml $v.node.livenessProbe | nindent 6 }}
    readinessProbe:
      httpGet:
        path: /readyz
        port: http
      {{- toYaml $v.node.readinessProbe | nindent 6 }}
    {{- end }}
    resources:
      {{- toYaml $c.resources | nindent 6 }}
    securityContext:
      {{- include "smpc.containerSecurityContext" .root | nindent 6 }}
    volumeMounts:
      - name: config
        mountPath: /etc/smpc/node.json
        subPath: node.json
        readOnly: true
      - name: cluster
        mountPath: /etc/smpc/cluster
        readOnly: true
      - name: key
        mountPath: /var/run/smpc/key
        readOnly: true
      - name: tmp
        mountPath: /tmp
      {{- if eq .component "node" }}
      - name: store
        mountPath: /var/lib/smpc
      {{- else }}
      - name: scratch
        mountPath: /var/lib/smpc
      {{- end }}
volumes:
  - name: config
    configMap:
      name: {{ include "smpc.fullname" .root }}-config
  - name: cluster
    configMap:
      name: {{ include "smpc.clusterConfigMap" .root }}
      items:
        - key: {{ $v.cluster.configMapKey }}
          path: cluster.json
  - name: key
    secret:
      secretName: {{ include "smpc.keySecret" .root }}
      # Owner-only: the node refuses a key file readable by group or others.
      defaultMode: 256 # 0400 in octal
      items:
        - key: {{ $v.key.secretKey }}
          path: node.key
  - name: tmp
    emptyDir:
      medium: Memory
      sizeLimit: {{ $v.node.tmpSizeLimit }}
  {{- if ne .component "node" }}
  - name: scratch
    emptyDir:
      sizeLimit: 1Gi
  {{- end }}
{{- end -}}

{{- define "smpc.podAnnotations" -}}
checksum/config: {{ include "smpc.nodeConfig" .root | sha256sum }}
checksum/cluster: {{ .root.Values.cluster.file | sha256sum }}
{{- if and .root.Values.metrics.annotations (ne .component "worker") }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .root.Values.node.ports.http | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with .annotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}
