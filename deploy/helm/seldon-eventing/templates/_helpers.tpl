{{/* Common labels; app: <name> is what the seed's own Services select on. */}}
{{- define "se.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: seldon-eventing
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app: {{ .name }}
{{- end }}

{{- define "se.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "se.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default (printf "%s-seldon-eventing" .Release.Name) .Values.serviceAccount.name | trunc 63 | trimSuffix "-" }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* knative or kafka: values.schema.json refuses anything else. */}}
{{- define "se.backend" -}}
{{ .Values.backend }}
{{- end }}

{{/* Every app the chart can run, in start order (the demo's broker and model first). */}}
{{- define "se.appNames" -}}
{{ toJson (list "broker" "model-server" "ingress-adapter" "predictor-router" "response-publisher" "event-display" "kafka-dispatcher") }}
{{- end }}

{{/* Whether an app runs: its enabled value, or (null) whether the backend uses it. */}}
{{- define "se.enabled" -}}
{{- $app := index .root.Values.apps .name -}}
{{- $backend := include "se.backend" .root -}}
{{- if eq .name "broker" -}}
{{- if and $app.enabled (eq $backend "kafka") -}}{{- fail "apps.broker is the knative backend's embedded broker: turn it off on kafka" -}}{{- end -}}
{{ ternary "true" "" (and $app.enabled (eq $backend "knative")) }}
{{- else if kindIs "invalid" $app.enabled -}}
{{ ternary "true" "" (or (ne .name "kafka-dispatcher") (eq $backend "kafka")) }}
{{- else -}}
{{ ternary "true" "" (eq (toString $app.enabled) "true") }}
{{- end -}}
{{- end }}

{{/* The ConfigMap every service reads its manifests from. */}}
{{- define "se.manifestsName" -}}
{{ printf "%s-seldon-eventing-manifests" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The in-cluster address of one of the chart's Services. */}}
{{- define "se.serviceUrl" -}}
http://{{ .name }}.{{ .root.Release.Namespace }}.svc.{{ .root.Values.eventing.clusterDomain }}
{{- end }}

{{/*
The user's manifests as a list of objects (empty documents and comments dropped). A document
that is not YAML stops the install with its position.
*/}}
{{- define "se.userObjects" -}}
{{- $objects := list -}}
{{- range $i, $doc := regexSplit "(?m)^---[ \t]*$" (default "" .Values.eventing.manifests) -1 -}}
{{- $object := fromYaml $doc -}}
{{- if hasKey $object "Error" -}}
{{- fail (printf "eventing.manifests: document %d is not YAML: %s" (add1 $i) $object.Error) -}}
{{- end -}}
{{- if $object.kind -}}{{- $objects = append $objects $object -}}{{- end -}}
{{- end -}}
{{ toJson (dict "items" $objects) }}
{{- end }}

{{/*
Whether a Trigger's subscriber is a Seldon predictor, by the rule of libs/seldon's
isPredictorTrigger: a SeldonDeployment ref, or a URI with a Seldon inference path.
*/}}
{{- define "se.isPredictorTrigger" -}}
{{- $subscriber := default dict .spec.subscriber -}}
{{- $ref := default dict $subscriber.ref -}}
{{- $uri := default "" $subscriber.uri -}}
{{- if or (eq (default "" $ref.kind) "SeldonDeployment") (regexMatch "(/api/v(1\\.0|0\\.1)/predictions|/v1/models(/[^/:]+)?/?:predict|/v2/models/[^/]+(/versions/[^/]+)?/infer)([?#].*)?$" $uri) -}}
true
{{- end -}}
{{- end }}

{{/*
The product's own wiring (config/manifests/seldon-eventing.yaml for this release): the Trigger
that takes prediction outcomes to the response-publisher, and the product's Services, which
Triggers name as subscribers.
*/}}
{{- define "se.wiring" -}}
{{- include "se.outcomeTrigger" . }}
{{- $userServices := list }}
{{- range $object := (include "se.userObjects" . | fromJson).items }}
{{- if eq $object.kind "Service" }}{{ $userServices = append $userServices (default dict $object.metadata).name }}{{ end }}
{{- end }}
{{- range $name := list "predictor-router" "response-publisher" "event-display" }}
{{- /* The seed's manifests define event-display's Service themselves: the services refuse a Service defined twice. */}}
{{- if and (include "se.enabled" (dict "root" $ "name" $name)) (not (has $name $userServices)) }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
spec:
  selector:
    app: {{ $name }}
  ports:
    - port: 80
      targetPort: {{ (index $.Values.apps $name).port }}
{{- end }}
{{- end }}
{{- end }}

{{- define "se.outcomeTrigger" -}}
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: seldon-response-publisher
  namespace: {{ .Release.Namespace }}
  labels: {{- include "se.labels" (dict "root" . "name" "response-publisher") | nindent 4 }}
spec:
  broker: {{ .Values.eventing.broker }}
  filter:
    attributes:
      type: io.seldon.eventing.prediction.outcome
  subscriber:
    ref:
      apiVersion: v1
      kind: Service
      name: response-publisher
{{- end }}

{{/* The kafka backend's connection settings (README: Bus), secrets by reference only. */}}
{{- define "se.kafkaEnv" -}}
{{- $kafka := .Values.kafka -}}
- { name: KAFKA_BROKERS, value: {{ $kafka.bootstrapServers | quote }} }
- { name: KAFKA_TOPIC_PARTITIONS, value: {{ $kafka.topicPartitions | quote }} }
- { name: KAFKA_REPLICATION_FACTOR, value: {{ $kafka.replicationFactor | quote }} }
- { name: KAFKA_CONSUMER_GROUP_PREFIX, value: {{ $kafka.consumerGroupPrefix | quote }} }
- { name: KAFKA_INITIAL_OFFSET, value: {{ $kafka.initialOffset | quote }} }
{{- if $kafka.sasl.mechanism }}
{{- if not $kafka.sasl.passwordSecret.name }}{{ fail "kafka.sasl.passwordSecret.name is required with kafka.sasl.mechanism" }}{{ end }}
- { name: KAFKA_SASL_MECHANISM, value: {{ $kafka.sasl.mechanism | quote }} }
- { name: KAFKA_SASL_USERNAME, value: {{ required "kafka.sasl.username is required with kafka.sasl.mechanism" $kafka.sasl.username | quote }} }
- name: KAFKA_SASL_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $kafka.sasl.passwordSecret.name }}, key: {{ $kafka.sasl.passwordSecret.key }} } }
{{- end }}
{{- if or $kafka.tls.enabled $kafka.tls.caSecret.name $kafka.tls.clientSecret.name }}
- { name: KAFKA_TLS, value: "true" }
{{- end }}
{{- if $kafka.tls.caSecret.name }}
- { name: KAFKA_TLS_CA_FILE, value: {{ printf "/etc/seldon-eventing/kafka-ca/%s" $kafka.tls.caSecret.key | quote }} }
{{- end }}
{{- if $kafka.tls.clientSecret.name }}
- { name: KAFKA_TLS_CERT_FILE, value: {{ printf "/etc/seldon-eventing/kafka-client/%s" $kafka.tls.clientSecret.certKey | quote }} }
- { name: KAFKA_TLS_KEY_FILE, value: {{ printf "/etc/seldon-eventing/kafka-client/%s" $kafka.tls.clientSecret.keyKey | quote }} }
{{- end }}
{{- end }}
