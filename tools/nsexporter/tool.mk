# nsexporter: Prometheus exporter over HTTP (libmicrohttpd); loads a BPF
# counter probe, so an administrator's tool (section 8, sbin)
PKGS_nsexporter := libmicrohttpd
SBIN_TOOLS += nsexporter
