#!/usr/bin/env bash
# nsexporter's Kubernetes labels through a real Prometheus: a pod made the
# way containerd's CRI makes one, stood in for by ctr (no kubelet here; as
# tests/integration/engine_ctr.sh): a sandbox and a container joining its
# net, ipc and uts namespaces, with the annotations CRI writes
# (io.kubernetes.cri.sandbox-name, -namespace, -uid, container-name) and the
# kubepods cgroup layout. Read back through Prometheus's query API: the
# per-container series carry exactly the pod's name, Kubernetes namespace
# and uid, the container's name and id and the runtime; promtool still
# passes on the exposition; the series leave with the containers.
source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/engines.sh"
source "$(dirname "$0")/../lib/prometheus.sh"
EXP=$BUILD/nsexporter
engine_require containerd
command -v prometheus >/dev/null || { skip "[tool] prometheus not installed (make check-deps installs it)"; done_testing; exit; }

exporter_start --min-interval 0.5 --per-container --no-bpf || { fail "exporter started: $(cat "$T_TMP/exp.err")"; done_testing; exit; }
prom_start "$EPORT"
containerd_start || { fail "a private containerd started and the image imported"; done_testing; exit; }
poll 60 prom_up || { fail "Prometheus scrapes the exporter: $(tail -3 "$T_TMP/prom.log")"; done_testing; exit; }

ctr_k8s_pod api || { fail "$ENGINE_ERR"; done_testing; exit; }
is "$(ns_ino "$KP" net) $(ns_ino "$KP" uts)" "$(ns_ino "$SP" net) $(ns_ino "$SP" uts)" \
	"(the container shares the sandbox's net and uts)"

Q_K="nsexporter_container_processes{pod_uid=\"$PU\"}"
ok "$(poll 60 cond "count($Q_K)" -eq 2; echo $?)" \
	"sandbox + container with CRI annotations: two per-container series with pod_uid=$PU"
is "$(pseries "$Q_K")" \
"$(LC_ALL=C sort <<EOF
__name__=nsexporter_container_processes container=$SB container_id=$SB k8s_namespace=$KNS pod=$POD pod_uid=$PU runtime=containerd
__name__=nsexporter_container_processes container=api container_id=$CT k8s_namespace=$KNS pod=$POD pod_uid=$PU runtime=containerd
EOF
)" \
	"... labels exactly: container (CRI's container-name; the sandbox by its id), container_id, runtime, pod, k8s_namespace, pod_uid"
is "$(pq "$Q_K")" 2 "... one process each (ctr task ps: $(ctrc task ps "$SB" | awk 'NR > 1' | wc -l) + $(ctrc task ps "$CT" | awk 'NR > 1' | wc -l))"
is "$(pseries "nsexporter_container_namespaces{container=\"api\",pod_uid=\"$PU\"}" | sed 's/^__name__=[^ ]* //')" \
	"container=api container_id=$CT k8s_namespace=$KNS pod=$POD pod_uid=$PU runtime=containerd" \
	"... container_namespaces carries the same labels"
curl -sf "$URL" >"$T_TMP/expo.txt"
is "$(promtool check metrics <"$T_TMP/expo.txt" 2>&1; echo $?)" 0 \
	"promtool check metrics passes with the pod's series ($(grep -c "pod_uid=\"$PU\"" "$T_TMP/expo.txt") of them)"
ctr_remove "$CT"
ctr_remove "$SB"
k_gone() { [ "$(pq "count({pod_uid=\"$PU\"})")" = none ]; }
ok "$(poll 60 k_gone; echo $?)" "containers removed: no series with pod_uid=$PU is left"
done_testing
