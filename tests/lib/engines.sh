# Real container engines for integration tests (source after lib.sh):
# podman (root and rootless), docker and containerd (private daemons: own
# socket, data, exec and state directories), LXC; one busybox image built
# from Debian's busybox-static, shared by every test of a run.
#
#   engine_require ENGINE...   podman docker containerd lxc rootless: skip
#                              the whole test ([engine], [root], [userns])
#                              when one cannot run here; fail instead where
#                              NSTOOLS_REQUIRE asks for root (CI: make
#                              check-deps installs every engine)
#   engine_image               the image: ENGINE_IMAGE (name:tag),
#                              ENGINE_IMAGE_TAR (docker-archive, loadable by
#                              podman, docker and ctr), ENGINE_ROOTFS (dir)
#   engine_name BASE           a container name unique to this test run
#   engine_until SECS CMD...   poll CMD until it succeeds (status)
#
#   pm ARGS...                 podman as root, runc + cgroupfs
#   podman_image; podman_run NAME [RUN-OPTION...] [-- CMD...]
#   docker_start; dk ARGS...   a private dockerd (DOCKER_DIR, DOCKER_SOCK)
#   docker_run NAME [RUN-OPTION...] [-- CMD...]
#   containerd_start; ctrc ARGS...   a private containerd (CTRD_DIR, CTRD_SOCK),
#                              ctr namespace $CTRD_NS
#   ctr_run ID [RUN-OPTION...] [-- CMD...]
#   ctr_cri_args TYPE SB-ID POD K8S-NS POD-UID [NAME]   CRI's annotations and
#                              labels of a pod's sandbox or container
#   lxc_run NAME [-c CONFIG-LINE]... [-- CMD...]   (LXC_DIR: -P lxcpath)
#   rootless_user; upm ARGS...    a unique user with subordinate ids and
#                              podman as that user (RL_USER, RL_UID)
#   rootless_run NAME [RUN-OPTION...] [-- CMD...]
#
# The default command of a container is a long sleep. Everything started
# is removed at exit (on_exit), also on failure: containers, daemons and
# their shims, mounts under the private directories, cgroups (the engines'
# own removal), the test user. Pids: ENGINE_PID after a *_run (the engine's
# answer for the container's init).

ENGINE_CACHE=${NSTOOLS_ENGINE_CACHE:-$BUILD/engines}
ENGINE_SLEEP=(sleep 100000)
# runc refuses rlimits above the caller's without CAP_SYS_RESOURCE (some
# sandboxes drop it): podman sets nofile and nproc to its own maximum, so
# ask for ones every caller may set
ENGINE_ULIMITS=()

# engine_until SECS CMD...: poll a condition (a socket answering, a task
# running) with a deadline; the status of the last try
engine_until() {
	local n=$(( $1 * 20 )); shift
	until "$@" >/dev/null 2>&1; do
		[ $n -gt 0 ] || return 1
		sleep 0.05; n=$((n - 1))
	done
}

engine_name() { echo "$1-$$-$RANDOM"; }

# is a skip for REASON a failure in this run? (as tests/run.sh decides)
engine_required() {
	local req=${NSTOOLS_REQUIRE:-}
	[ -n "$req" ] && [[ ",$req," == *",all,"* || ",$req," == *",$1,"* || ",$req," == *",root,"* ]]
}

# engine_give_up REASON WHY: skip the rest of the test, or fail it where
# the engines are required (root CI, where make check-deps installs them)
engine_give_up() {
	if [ "$1" = engine ] && engine_required engine; then
		fail "engine required here (NSTOOLS_REQUIRE=${NSTOOLS_REQUIRE:-}): $2"
	else
		skip "[$1] $2"
	fi
	done_testing; exit
}

# command : Debian package of each engine (the Makefile's ENGINE_CMDS)
engine_cmds() {
	case $1 in
	podman)     echo podman:podman runc:runc busybox:busybox-static ;;
	docker)     echo /usr/bin/docker:docker.io dockerd:docker.io containerd:containerd runc:runc busybox:busybox-static ;;
	containerd) echo containerd:containerd ctr:containerd runc:runc busybox:busybox-static ;;
	lxc)        echo lxc-start:lxc busybox:busybox-static ;;
	rootless)   echo podman:podman runc:runc newuidmap:uidmap newgidmap:uidmap useradd:passwd \
	                 busybox:busybox-static ;;
	esac
}

engine_missing() {
	local d n out=""
	for d in $(engine_cmds "$1"); do
		n=${d%%:*}
		command -v "$n" >/dev/null 2>&1 || out="$out ${d#*:}"
	done
	echo "$out" | tr ' ' '\n' | sed '/^$/d' | sort -u | xargs
}

# engine_require ENGINE...: every engine named can run here, else the
# test ends with a skip (or a failure, see engine_give_up)
engine_require() {
	local e missing
	[ "$(id -u)" = 0 ] || { skip "[root] container engines run as root here"; done_testing; exit; }
	for e in "$@"; do
		missing=$(engine_missing "$e")
		if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1 && engine_required engine; then
			# make check-deps installs them; a test run on its own may not have
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				-o DPkg::Lock::Timeout=300 $missing >/dev/null 2>&1
			missing=$(engine_missing "$e")
		fi
		[ -z "$missing" ] || engine_give_up engine "$e: not installed (apt-get install $missing)"
		case $e in
		rootless)
			# the unprivileged user namespace the user's podman needs
			if ! setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>/dev/null; then
				engine_give_up userns "an unprivileged user may not create a user namespace here"
			fi ;;
		esac
	done
	if [ ${#ENGINE_ULIMITS[@]} -eq 0 ]; then
		local nf np
		nf=$(ulimit -Hn) np=$(ulimit -Hu)
		[ "$nf" = unlimited ] || [ "$nf" -gt 1024 ] && nf=1024
		[ "$np" = unlimited ] || [ "$np" -gt 1024 ] && np=1024
		ENGINE_ULIMITS=(--ulimit "nofile=$nf:$nf" --ulimit "nproc=$np:$np")
	fi
}

# ------------------------------------------------------------------ image

# engine_image: build the image files once per build directory (flock:
# tests of one run share them, concurrent runs wait for each other)
engine_image() {
	local bb hash
	bb=$(command -v busybox)
	if ldd "$bb" >/dev/null 2>&1; then
		engine_give_up engine "$bb is not static (busybox-static replaces busybox)"
	fi
	hash=$(sha256sum "$bb" | cut -c1-12)
	ENGINE_IMAGE=localhost/nstools-busybox:$hash
	ENGINE_IMAGE_TAR=$ENGINE_CACHE/busybox-$hash.tar
	ENGINE_ROOTFS=$ENGINE_CACHE/rootfs-$hash
	[ -s "$ENGINE_IMAGE_TAR" ] && [ -x "$ENGINE_ROOTFS/bin/busybox" ] && return 0
	mkdir -p "$ENGINE_CACHE" || return 1
	(
		flock -w 120 9 || exit 1
		[ -s "$ENGINE_IMAGE_TAR" ] && [ -x "$ENGINE_ROOTFS/bin/busybox" ] && exit 0
		set -e
		w=$(mktemp -d "$ENGINE_CACHE/.build.XXXXXX")
		trap 'rm -rf "$w"' EXIT
		mkdir -p "$w/rootfs"/{bin,dev,etc,proc,sys,tmp,root,run} "$w/archive"
		chmod 1777 "$w/rootfs/tmp"
		cp "$bb" "$w/rootfs/bin/busybox"
		for a in $("$bb" --list); do
			[ "$a" = busybox ] || ln -s busybox "$w/rootfs/bin/$a"
		done
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
			>"$w/rootfs/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$w/rootfs/etc/group"
		tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
			-C "$w/rootfs" -cf "$w/archive/layer.tar" .
		diff=$(sha256sum "$w/archive/layer.tar" | cut -d' ' -f1)
		printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"nstools tests: busybox-static"}]}' \
			"$(dpkg --print-architecture 2>/dev/null || uname -m)" "$diff" >"$w/archive/config.json"
		cfg=$(sha256sum "$w/archive/config.json" | cut -d' ' -f1)
		mv "$w/archive/config.json" "$w/archive/$cfg.json"
		printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' \
			"$cfg" "$ENGINE_IMAGE" >"$w/archive/manifest.json"
		tar -C "$w/archive" -cf "$w/image.tar" manifest.json "$cfg.json" layer.tar
		chmod -R a+rX "$w"
		rm -rf "$ENGINE_ROOTFS"
		mv "$w/rootfs" "$ENGINE_ROOTFS"
		mv "$w/image.tar" "$ENGINE_IMAGE_TAR"
	) 9>"$ENGINE_CACHE/.lock"
}

# engine_args ARRAYNAME "$@": split "RUN-OPTION... [-- CMD...]" into
# ENGINE_OPTS and ENGINE_CMD (the long sleep without --)
engine_args() {
	ENGINE_OPTS=() ENGINE_CMD=("${ENGINE_SLEEP[@]}")
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then shift; ENGINE_CMD=("$@"); break; fi
		ENGINE_OPTS+=("$1"); shift
	done
}

# umount_under DIR: every mount at or below DIR, deepest first
umount_under() {
	local d=$1 m
	[ -n "$d" ] && [ "$d" != / ] || return 0
	for m in $(awk -v d="$d" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
}

# kill_by_arg STRING: processes whose command line holds STRING (a path
# unique to this test: the shims of a private daemon), by pid
kill_by_arg() {
	local p
	for p in $(pgrep -f -- "$(printf '%s' "$1" | sed 's/[]\\.[*^$+?(){}|]/\\&/g')"); do
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] || kill -KILL "$p" 2>/dev/null
	done
	return 0
}

# stop_pid PID SECS: TERM, wait for it to go, then KILL
stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	engine_until "$2" eval "! kill -0 $1" || kill -KILL "$1" 2>/dev/null
	engine_until 5 eval "! kill -0 $1"
}

# ------------------------------------------------------------------ podman

# the rlimits also for what podman starts on its own (a pod's infra)
engine_containers_conf() {
	printf '[containers]\ndefault_ulimits = ["%s", "%s"]\n' "${ENGINE_ULIMITS[1]}" "${ENGINE_ULIMITS[3]}" >"$1"
	chmod 644 "$1"
}
pm() {
	[ -e "$T_TMP/containers.conf" ] || engine_containers_conf "$T_TMP/containers.conf"
	CONTAINERS_CONF=$T_TMP/containers.conf podman --runtime runc --cgroup-manager cgroupfs "$@"
}

# podman_image: the image in root's store (/var/lib/containers), loaded
# once; kept between runs (the tag names the busybox it was built from)
podman_image() {
	engine_image || return 1
	pm image exists "$ENGINE_IMAGE" && return 0
	(
		flock -w 120 9 || exit 1
		pm image exists "$ENGINE_IMAGE" || pm load -q -i "$ENGINE_IMAGE_TAR" >/dev/null
	) 9>"$ENGINE_CACHE/.lock-podman"
}

podman_run() {
	local name=$1; shift
	engine_args "$@"
	on_exit "pm rm -f -t 0 '$name'"
	local net=(--network none)
	# a pod's member takes the pod's network
	[[ " ${ENGINE_OPTS[*]} " == *" --pod "* ]] && net=()
	pm run -d --name "$name" "${net[@]}" "${ENGINE_ULIMITS[@]}" "${ENGINE_OPTS[@]}" \
		"$ENGINE_IMAGE" "${ENGINE_CMD[@]}" >/dev/null || return 1
	ENGINE_PID=$(pm inspect --format '{{.State.Pid}}' "$name")
	[ -n "$ENGINE_PID" ] && [ "$ENGINE_PID" != 0 ]
}

# ------------------------------------------------------------------ docker

dk() { /usr/bin/docker -H "unix://$DOCKER_SOCK" "$@"; }

# docker_start: a dockerd of this test only, with the containerd it starts
docker_start() {
	local ns
	engine_image || return 1
	DOCKER_DIR=$(mktemp -d /tmp/nstools-docker.XXXXXX) || return 1
	DOCKER_SOCK=$DOCKER_DIR/docker.sock
	ns=nstools-docker-$$
	echo '{}' >"$DOCKER_DIR/daemon.json"
	# on_exit runs in reverse: the directory goes last
	on_exit "engine_dir_rm '$DOCKER_DIR'"
	on_exit "docker_stop"
	setsid dockerd --config-file "$DOCKER_DIR/daemon.json" \
		-H "unix://$DOCKER_SOCK" --data-root "$DOCKER_DIR/root" \
		--exec-root "$DOCKER_DIR/exec" --pidfile "$DOCKER_DIR/dockerd.pid" \
		--iptables=false --ip6tables=false --bridge=none \
		--exec-opt native.cgroupdriver=cgroupfs \
		--containerd-namespace "$ns" --containerd-plugins-namespace "$ns-plugins" \
		</dev/null >"$DOCKER_DIR/dockerd.log" 2>&1 &
	DOCKER_PID=$!
	if ! engine_until 60 dk version; then
		diag "dockerd did not answer; its log:"; tail -20 "$DOCKER_DIR/dockerd.log" | sed 's/^/#   /'
		return 1
	fi
	dk load -q -i "$ENGINE_IMAGE_TAR" >/dev/null
}

docker_stop() {
	[ -n "${DOCKER_PID:-}" ] || return 0
	local ids
	ids=$(dk ps -aq 2>/dev/null)
	[ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1
	stop_pid "$DOCKER_PID" 20
	kill_by_arg "$DOCKER_DIR/"
	DOCKER_PID=
}

# engine_dir_rm DIR: a private daemon's directory, its mounts first
engine_dir_rm() {
	umount_under "$1"
	rm -rf --one-file-system "$1"
}

docker_run() {
	local name=$1; shift
	engine_args "$@"
	on_exit "dk rm -f '$name'"
	dk run -d --name "$name" --network none "${ENGINE_OPTS[@]}" \
		"$ENGINE_IMAGE" "${ENGINE_CMD[@]}" >/dev/null || return 1
	ENGINE_PID=$(dk inspect --format '{{.State.Pid}}' "$name")
	[ -n "$ENGINE_PID" ] && [ "$ENGINE_PID" != 0 ]
}

# -------------------------------------------------------------- containerd

# ctr's namespace, also the parent cgroup of its containers (/NS/ID)
CTRD_NS=nstools-$$
ctrc() { ctr -a "$CTRD_SOCK" -n "$CTRD_NS" "$@"; }

containerd_start() {
	engine_image || return 1
	CTRD_DIR=$(mktemp -d /tmp/nstools-ctrd.XXXXXX) || return 1
	CTRD_SOCK=$CTRD_DIR/containerd.sock
	cat >"$CTRD_DIR/config.toml" <<-EOF
	version = 2
	root = "$CTRD_DIR/root"
	state = "$CTRD_DIR/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]
	[grpc]
	  address = "$CTRD_SOCK"
	[ttrpc]
	  address = "$CTRD_SOCK.ttrpc"
	[debug]
	  address = ""
	[metrics]
	  address = ""
	[plugins."io.containerd.internal.v1.opt"]
	  path = "$CTRD_DIR/opt"
	EOF
	on_exit "engine_dir_rm '$CTRD_DIR'"
	on_exit "containerd_stop"
	setsid containerd --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_DIR/containerd.log" 2>&1 &
	CTRD_PID=$!
	if ! engine_until 60 ctrc version; then
		diag "containerd did not answer; its log:"; tail -20 "$CTRD_DIR/containerd.log" | sed 's/^/#   /'
		return 1
	fi
	ctrc images import "$ENGINE_IMAGE_TAR" >/dev/null
}

containerd_stop() {
	[ -n "${CTRD_PID:-}" ] || return 0
	local id
	for id in $(ctrc containers ls -q 2>/dev/null); do ctr_remove "$id"; done
	stop_pid "$CTRD_PID" 20
	kill_by_arg "$CTRD_SOCK"
	rmdir /sys/fs/cgroup/*/"$CTRD_NS" /sys/fs/cgroup/"$CTRD_NS" 2>/dev/null
	CTRD_PID=
}

# ctr_task_status ID: RUNNING, STOPPED, ... or nothing without a task
ctr_task_status() { ctrc task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }

# ctr_remove ID: its task killed and deleted, then the container
ctr_remove() {
	if [ -n "$(ctr_task_status "$1")" ]; then
		ctrc task kill -s KILL "$1" >/dev/null 2>&1
		engine_until 10 eval '[ "$(ctr_task_status "$1")" != RUNNING ]'
		ctrc task rm -f "$1" >/dev/null 2>&1
	fi
	ctrc containers rm "$1" >/dev/null 2>&1
}

# ctr_task_pid ID: the pid ctr reports for a running task
ctr_task_pid() { ctrc task ls 2>/dev/null | awk -v id="$1" '$1 == id && $3 == "RUNNING" { print $2 }'; }

# ctr_cri_args TYPE SANDBOX-ID POD K8S-NAMESPACE POD-UID [NAME]: the
# annotations and labels containerd's CRI gives a pod's sandbox (TYPE
# sandbox) or one of its containers (TYPE container, named NAME), for
# ctr_run: Kubernetes stood in for by ctr
ctr_cri_args() {
	echo --annotation io.kubernetes.cri.container-type="$1" \
	     --annotation io.kubernetes.cri.sandbox-id="$2" \
	     --annotation io.kubernetes.cri.sandbox-name="$3" \
	     --annotation io.kubernetes.cri.sandbox-namespace="$4" \
	     --annotation io.kubernetes.cri.sandbox-uid="$5" \
	     --label io.kubernetes.pod.name="$3" --label io.kubernetes.pod.namespace="$4" \
	     --label io.kubernetes.pod.uid="$5"
	[ "$1" = container ] && echo --annotation io.kubernetes.cri.container-name="$6" \
	     --label io.kubernetes.container.name="$6"
}

# ctr_k8s_pod NAME: a Kubernetes pod stood in for by ctr: a sandbox and a
# container NAME in the sandbox's net, ipc and uts namespaces, with CRI's
# annotations and a kubepods cgroup. Sets SB and CT (their ids), SP and KP
# (their pids), PU, POD and KNS (pod uid, name and Kubernetes namespace);
# returns 1 with the failed step in ENGINE_ERR
ctr_k8s_pod() {
	local cg
	SB=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') CT=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	PU=$(cat /proc/sys/kernel/random/uuid) POD=checkout-$$ KNS=shop-$$
	cg=/kubepods/besteffort/pod$PU
	on_exit "rmdir /sys/fs/cgroup/*$cg /sys/fs/cgroup/*/kubepods/besteffort /sys/fs/cgroup/*/kubepods"
	ctr_run "$SB" $(ctr_cri_args sandbox "$SB" "$POD" "$KNS" "$PU") --cgroup "$cg/$SB" ||
		{ ENGINE_ERR="ctr run: the sandbox"; return 1; }
	SP=$ENGINE_PID
	ctr_run "$CT" $(ctr_cri_args container "$SB" "$POD" "$KNS" "$PU" "$1") --cgroup "$cg/$CT" \
		--with-ns "network:/proc/$SP/ns/net" --with-ns "ipc:/proc/$SP/ns/ipc" \
		--with-ns "uts:/proc/$SP/ns/uts" ||
		{ ENGINE_ERR="ctr run: the container in the sandbox's namespaces"; return 1; }
	KP=$ENGINE_PID
}

ctr_run() {
	local id=$1; shift
	engine_args "$@"
	# containerd_stop removes what is left; this is for a test that stops
	# its daemon later than its containers
	on_exit "ctr_remove '$id'"
	ctrc run -d --null-io "${ENGINE_OPTS[@]}" "$ENGINE_IMAGE" "$id" "${ENGINE_CMD[@]}" >/dev/null || return 1
	engine_until 10 eval '[ -n "$(ctr_task_pid "$id")" ]' || return 1
	ENGINE_PID=$(ctr_task_pid "$id")
}

# --------------------------------------------------------------------- lxc

# lxc_run NAME [-c CONFIG-LINE]... [-- CMD...]: a system container of the
# local busybox rootfs, no network device but lo, no template or download
lxc_run() {
	local name=$1 extra=() c; shift
	while [ $# -gt 0 ] && [ "$1" = -c ]; do extra+=("$2"); shift 2; done
	engine_args "$@"
	engine_image || return 1
	if [ -z "${LXC_DIR:-}" ]; then
		LXC_DIR=$(mktemp -d /tmp/nstools-lxc.XXXXXX) || return 1
		on_exit "engine_dir_rm '$LXC_DIR'"
	fi
	mkdir -p "$LXC_DIR/$name"
	{
		echo "lxc.uts.name = $name"
		echo "lxc.rootfs.path = dir:$ENGINE_ROOTFS"
		echo "lxc.net.0.type = empty"
		echo "lxc.mount.auto = proc:mixed sys:ro"
		echo "lxc.apparmor.profile = unconfined"
		echo "lxc.log.file = $LXC_DIR/$name/log"
		echo "lxc.log.level = NOTICE"
		echo "lxc.init.cmd = ${ENGINE_CMD[*]}"
		for c in "${extra[@]}"; do echo "$c"; done
	} >"$LXC_DIR/$name/config"
	on_exit "lxc-stop -P '$LXC_DIR' -n '$name' -k"
	lxc-start -P "$LXC_DIR" -n "$name" -f "$LXC_DIR/$name/config" -d || {
		diag "lxc-start failed; its log:"; tail -20 "$LXC_DIR/$name/log" | sed 's/^/#   /'
		return 1
	}
	engine_until 10 eval '[ -n "$(lxc-info -P "$LXC_DIR" -n "$name" -pH 2>/dev/null)" ]' || return 1
	ENGINE_PID=$(lxc-info -P "$LXC_DIR" -n "$name" -pH)
}

# ---------------------------------------------------------- rootless podman

# rootless_user: a user of this test only, with 65536 subordinate ids,
# a home and a runtime directory; removed at exit with what it ran
rootless_user() {
	local base
	engine_image || return 1
	RL_USER=nst$$r$RANDOM
	RL_USER=${RL_USER:0:31}
	# other tests edit /etc/passwd too: useradd refuses while it is locked
	engine_until 30 useradd -m -s /bin/sh "$RL_USER" || return 1
	on_exit "rootless_remove"
	RL_UID=$(id -u "$RL_USER") RL_HOME=$(getent passwd "$RL_USER" | cut -d: -f6)
	base=$(( (($$ % 30000) + 100) * 65536 ))
	engine_until 30 usermod --add-subuids "$base-$((base + 65535))" \
		--add-subgids "$base-$((base + 65535))" "$RL_USER" || return 1
	RL_RUN=$(mktemp -d /tmp/nstools-rl.XXXXXX) || return 1
	chown "$RL_USER:" "$RL_RUN" && chmod 700 "$RL_RUN"
	cp "$ENGINE_IMAGE_TAR" "$RL_RUN/image.tar" && chown "$RL_USER:" "$RL_RUN/image.tar"
	engine_containers_conf "$RL_RUN/containers.conf"
	upm load -q -i "$RL_RUN/image.tar" >/dev/null
}

upm() {
	(cd / && runuser -u "$RL_USER" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$RL_HOME" USER="$RL_USER" LOGNAME="$RL_USER" XDG_RUNTIME_DIR="$RL_RUN" \
		CONTAINERS_CONF="$RL_RUN/containers.conf" \
		podman --runtime runc --cgroup-manager cgroupfs "$@")
}

rootless_run() {
	local name=$1; shift
	engine_args "$@"
	upm run -d --name "$name" --network none "${ENGINE_ULIMITS[@]}" "${ENGINE_OPTS[@]}" \
		"$ENGINE_IMAGE" "${ENGINE_CMD[@]}" >/dev/null || return 1
	ENGINE_PID=$(upm inspect --format '{{.State.Pid}}' "$name")
	[ -n "$ENGINE_PID" ] && [ "$ENGINE_PID" != 0 ]
}

rootless_remove() {
	local p
	[ -n "${RL_USER:-}" ] || return 0
	upm rm -a -f -t 0 >/dev/null 2>&1
	# podman's pause process (it keeps the user namespace), conmon: all
	# this user runs
	for p in $(ps -o pid= -u "$RL_UID" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	engine_until 10 eval "[ -z \"\$(ps -o pid= -u $RL_UID)\" ]"
	[ -z "${RL_RUN:-}" ] || engine_dir_rm "$RL_RUN"
	umount_under "$RL_HOME"
	engine_until 30 eval 'userdel -r "$RL_USER"; ! id "$RL_USER"'
	RL_USER=
}

# ------------------------------------------------------ what tests compare

ENGINE_NS_TYPES="cgroup ipc mnt net pid time user uts"

# engine_ns PID: "INODE TYPE" of each namespace of PID that is not ours
engine_ns() {
	local t
	for t in $ENGINE_NS_TYPES; do
		[ "$(ns_ino "$1" "$t")" = "$(ns_ino $$ "$t")" ] || echo "$(ns_ino "$1" "$t") $t"
	done | sort
}

# engine_ns_links PID: "type:[inode]" of all its namespaces, as readlink
# in it prints them
engine_ns_links() {
	local t
	for t in $ENGINE_NS_TYPES; do readlink "/proc/$1/ns/$t"; done
}
ENGINE_SHOW_NS="for t in $ENGINE_NS_TYPES; do readlink /proc/self/ns/\$t; done"

# engine_nstree REF: "INODE TYPE LABEL" rows of nstree REF (label "-" if none)
engine_nstree() {
	"$BUILD/nstree" -l -r -n -o NS,TYPE,CONTAINER "$1" 2>/dev/null |
		awk '{ print $1, $2, ($3 == "" ? "-" : $3) }' | sort
}

# engine_label PID: the CONTAINER nspid shows for a process (innermost row)
engine_label() { "$BUILD/nspid" -r -n -o CONTAINER "$1" 2>/dev/null | tail -1; }

# engine_pairs NSPID-REF: "HOSTPID CONTAINERPID" of every process nspid
# sees in that pid namespace
engine_pairs() {
	"$BUILD/nspid" -r -n -o PID,REFPID --pidns "$1" --all 2>/dev/null | awk 'NF == 2' | sort -n
}

# engine_nstop_label INO: CONTAINER of that namespace in nstop's batch frame
engine_nstop_label() {
	"$BUILD/nstop" -b -n 1 -g flat -o NS,CONTAINER 2>/dev/null | awk -v i="$1" '$1 == i { print $2 }'
}

# engine_nstop_under TOP INO: "yes" if namespace INO is in the subtree of
# namespace TOP in nstop -g container's frame
engine_nstop_under() {
	"$BUILD/nstop" -b -n 1 -g container -o TYPE,NS,CONTAINER 2>/dev/null | awk -v top="$1" -v want="$2" '
		{ ns = $0; sub(/^[a-z]+ +/, "", ns); pre = ns; sub(/[0-9].*/, "", pre); sub(/^[^0-9]*/, "", ns); split(ns, f, " ")
		  d = length(pre) }
		f[1] == top { in_pod = 1; td = d; next }
		in_pod && d <= td { in_pod = 0 }
		in_pod && f[1] == want { print "yes" }'
}

# ------------------------------------------- assertions every engine makes
# FORM is how the reference reads in the test names (NAME, ID-PREFIX),
# ENG whose answer the pid is ("podman's", "docker's", "lxc-info's").

# engine_check_named REF PID LABEL FORM ENG: nstree REF lists exactly the
# namespaces PID does not share with us, labelled LABEL; nspid labels PID so
engine_check_named() {
	is "$(engine_nstree "$1")" "$(engine_ns "$2" | sed "s/\$/ $3/")" \
		"nstree $4: the container's own namespaces (those of $5 pid), labelled"
	is "$(engine_label "$2")" "$3" "nspid: the container's init is labelled by its $4's label"
}

# engine_check_sibling REF PID SIBLING LABEL FORM HOW: a process started
# in the container later (HOW: "podman exec") shares PID's namespaces and
# label, and nstree REF stays the same
engine_check_sibling() {
	is "$(engine_ns "$3")" "$(engine_ns "$2")" "($6: the sibling shares the init's namespaces)"
	is "$(engine_label "$3")" "$4" "nspid: the $6 sibling has the init's label"
	is "$(engine_nstree "$1")" "$(engine_ns "$2" | sed "s/\$/ $4/")" \
		"nstree $5 with a $6 sibling: the same namespaces, the label stays"
}

# engine_check_enter REF PID HOSTNAME CONTAINER-RE FORM ENG: nsenter-lite
# -t REF runs in every namespace of PID (the hostname HOSTNAME), and
# --explain joins exactly those that are not ours, from REF, naming the
# container as CONTAINER-RE matches
engine_check_enter() {
	local out got
	is "$("$BUILD/nsenter-lite" -t "$1" -- hostname)" "$3" \
		"nsenter-lite -t $5 hostname: the container's hostname, as $6 has it"
	is "$("$BUILD/nsenter-lite" -t "$1" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$2")" \
		"nsenter-lite -t $5: every namespace of $6 pid"
	out=$("$BUILD/nsenter-lite" -t "$1" --explain -- true)
	got=$(echo "$out" | awk -v r="$1" '$4 == "join" && $6 == r { print $2, $1 }' | sort)
	is "$got" "$(engine_ns "$2")" "nsenter-lite --explain: joins exactly the namespaces of $6 pid, from $5"
	like "$out" "$4" "nsenter-lite --explain: the container as $6 names it"
}

# engine_check_hostpid REF PID LABEL-RE FORM: a --pid=host container: in
# our pid namespace, labelled, its own namespaces (not the host's pid one)
# under REF, and entered by REF
engine_check_hostpid() {
	local l
	is "$(ns_ino "$2" pid)" "$(ns_ino $$ pid)" "(--pid=host: the container is in our pid namespace)"
	l=$(engine_label "$2")
	like "$l" "$3" "nspid: a --pid=host container's process is labelled"
	is "$(engine_nstree "$1")" "$(engine_ns "$2" | sed "s/\$/ $l/")" \
		"nstree $4 of a --pid=host container: its own namespaces labelled, the host's pid namespace not"
	is "$("$BUILD/nsenter-lite" -t "$1" -- sh -c "$ENGINE_SHOW_NS")" "$(engine_ns_links "$2")" \
		"nsenter-lite -t $4 of a --pid=host container: its namespaces"
}

# engine_check_stopped REF: nstree, nspid and nsenter-lite on a container
# that is stopped: an error, one line, naming it
engine_check_stopped() {
	local cmd out rc
	for cmd in "nstree $1" "nspid --pidns $1 --all" "nsenter-lite -t $1 -- true"; do
		out=$("$BUILD"/$cmd 2>&1); rc=$?
		ok $(( rc == 0 )) "${cmd%% *} on a stopped container: an error (exit $rc)"
		is "$(echo "$out" | grep -c .)" 1 "${cmd%% *} on a stopped container: one error line"
		like "$out" "$1" "${cmd%% *} on a stopped container: the error names it"
		diag "today: $out"
	done
}
