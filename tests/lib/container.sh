# Faking containers as their engines lay them out (source after lib.sh):
# the cgroup2 hierarchy, docker's root-owned state, cgroups removed at exit.

# The cgroup2 hierarchy if writable: hybrid hosts mount it at unified/,
# pure v2 at the top. Empty if none.
cgroup2_root() {
	local d
	for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
		if [ -w "$d/cgroup.procs" ] && [ "$(stat -f -c %T "$d")" = cgroup2fs ]; then echo "$d"; return; fi
	done
}

# mkdir_owned DIR: each missing component, removed at exit; directories
# that existed are left alone (rmdir only removes what is empty)
mkdir_owned() {
	local d=$1
	[ -d "$d" ] && return 0
	mkdir_owned "$(dirname "$d")" || return 1
	mkdir "$d" || return 1
	on_exit "rmdir '$d'"
}

# docker_state ID NAME: docker's config.v2.json naming container ID, as
# root keeps it; removed at exit
docker_state() {
	local cfg=/var/lib/docker/containers/$1
	mkdir_owned "$cfg" || return 1
	on_exit "rm -f '$cfg/config.v2.json'"
	printf '{"ID":"%s","Name":"/%s","Driver":"overlay2"}' "$1" "$2" >"$cfg/config.v2.json"
}

# rm_cgroup DIR: once its processes are gone (register it before starting
# them: on_exit runs in reverse)
rm_cgroup() { local n=50; while ! rmdir "$1" 2>/dev/null && [ -d "$1" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done; }
