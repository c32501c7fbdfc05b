/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsexporter - the host's namespaces as Prometheus metrics: served over
 * HTTP (/metrics), written for node_exporter's textfile collector
 * (--textfile), or printed once (--once).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <microhttpd.h>

#include "nsexporter.h"
#include "options.h"
#include "parse.h"

enum {
	OPT_TEXTFILE = NST_OPT_FIRST_TOOL, OPT_ONCE, OPT_PER_CONTAINER, OPT_MIN_INTERVAL,
	OPT_PROC_ROOT, OPT_SOURCE, OPT_NO_BPF,
};

struct opts {
	const char *listen;
	const char *textfile;
	bool once;
};

static void __attribute__((noreturn)) usage(void)
{
	printf("Usage:\n"
	       " nsexporter [options]\n"
	       "\nExport the host's namespaces as Prometheus metrics: namespaces by type and\n"
	       "state, what holds those without processes, namespaces leaked by container\n"
	       "runtimes, containers, scan coverage, and namespace operations counted by a\n"
	       "BPF probe. Served at http://ADDR:PORT/metrics until SIGTERM.\n"
	       "\nOptions:\n"
	       " -l, --listen <addr:port>  listen here (default 127.0.0.1:%d;\n"
	       "                           [::1]:PORT for IPv6, :PORT for every address)\n"
	       "     --textfile <dir>      write <dir>/nsexporter.prom once (for node_exporter's\n"
	       "                           textfile collector; atomic rename) and exit\n"
	       "     --once                print the metrics to stdout once and exit\n"
	       "     --per-container       add per-container series (processes, namespaces)\n"
	       "     --min-interval <sec>  reuse a scan younger than this (default 5)\n"
	       "     --source <src>        auto, bpf (task iterator) or proc (/proc walk)\n"
	       "     --proc-root <dir>     read this tree instead of /proc\n"
	       "     --no-bpf              do not load the namespace operation counters\n"
	       "\n -h, --help                display this help\n"
	       " -V, --version             display version\n"
	       "\nExit status: 0 success, 1 the scan failed (--once, --textfile), 2 bad usage,\n"
	       "3 trouble (cannot listen, cannot write the textfile, out of memory).\n"
	       "For more details see nsexporter(8).\n", NSEXPORTER_DEFAULT_PORT);
	exit(EX_OK);
}

static void parse_args(int argc, char **argv, struct opts *o, struct exporter *ex)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "per-container", no_argument, NULL, OPT_PER_CONTAINER },
		{ "min-interval", required_argument, NULL, OPT_MIN_INTERVAL },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "no-bpf", no_argument, NULL, OPT_NO_BPF },
		NST_STD_LONGOPTS,
	};
	int opt, src;

	while ((opt = getopt_long(argc, argv, "l:" NST_STD_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': o->listen = optarg; break;
		case OPT_TEXTFILE: o->textfile = optarg; break;
		case OPT_ONCE: o->once = true; break;
		case OPT_PER_CONTAINER: ex->per_container = true; break;
		case OPT_MIN_INTERVAL: ex->min_interval = nst_arg_seconds(optarg, 0, 86400, "interval"); break;
		case OPT_PROC_ROOT: ex->proc_root = optarg; break;
		case OPT_SOURCE:
			if ((src = nst_parse_source(optarg)) < 0)
				nst_usage_error(EX_USAGE, "unknown source: %s (auto, bpf or proc)", optarg);
			ex->scan_flags |= (unsigned)src;
			break;
		case OPT_NO_BPF: ex->no_bpf = true; break;
		default:
			nst_std_option(opt, argv, usage, EX_USAGE);
			nst_usage_error(EX_USAGE, NULL);
		}
	}
	if (optind < argc)
		nst_usage_error(EX_USAGE, "unexpected argument: %s", argv[optind]);
	if (o->once && o->textfile)
		nst_usage_error(EX_USAGE, "--once and --textfile exclude each other");
	if (o->listen && (o->once || o->textfile))
		nst_usage_error(EX_USAGE, "--listen serves metrics: --once and --textfile do not listen");
}

/* --------------------------------------------------------------- textfile */

/*
 * node_exporter reads *.prom files: the exposition is written to a hidden
 * temporary file in the same directory, synced, then renamed over
 * nsexporter.prom, so a reader sees the old file or the new one, never half
 * of one.
 */
static int write_textfile(struct exporter *ex, const char *dir, const char **what)
{
	char *tmp = NULL, *dst = NULL, *buf;
	size_t len, off = 0;
	int fd = -1, dfd = -1, r = 0;

	*what = dir;
	if (asprintf(&tmp, "%s/.nsexporter.prom.XXXXXX", dir) < 0 ||
	    asprintf(&dst, "%s/nsexporter.prom", dir) < 0) {
		free(tmp);
		return -ENOMEM;
	}
	buf = exporter_render(ex, false, &len);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = w < 0 ? -errno : -EIO;
			goto out;
		}
		off += (size_t)w;
	}
	/* mkostemp makes it 0600; node_exporter may run as another user */
	if (fchmod(fd, 0644) || fsync(fd) || close(fd)) {
		r = -errno;
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, dst)) {
		r = -errno;
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* the rename itself reaches the disk */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(dst);
	free(buf);
	return r;
}

/* ------------------------------------------------------------------ HTTP */

static bool wants_openmetrics(struct MHD_Connection *conn)
{
	const char *a = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);

	return a && strcasestr(a, "application/openmetrics-text");
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result r;

	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	r = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req)
{
	static const char index[] =
		"<html><head><title>nsexporter</title></head><body><h1>nsexporter</h1>"
		"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";
	struct exporter *ex = cls;
	bool om;
	size_t len;
	char *body;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
			     (char *)"method not allowed\n", 19, MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/"))
		return reply(conn, MHD_HTTP_OK, "text/html; charset=utf-8", (char *)index,
			     sizeof(index) - 1, MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/healthz"))
		return reply(conn, MHD_HTTP_OK, "text/plain; charset=utf-8", (char *)"ok\n", 3,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8",
			     (char *)"not found\n", 10, MHD_RESPMEM_PERSISTENT);
	om = wants_openmetrics(conn);
	body = exporter_render(ex, om, &len);
	if (!body)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
			     (char *)"out of memory\n", 14, MHD_RESPMEM_PERSISTENT);
	return reply(conn, MHD_HTTP_OK,
		     om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
			: "text/plain; version=0.0.4; charset=utf-8",
		     body, len, MHD_RESPMEM_MUST_FREE);
}

/* ADDR:PORT, [ADDR6]:PORT or :PORT into a bound, listening socket; the
 * actual address (port 0 picks one) goes to stderr. */
static int listen_on(const char *spec, char *shown, size_t shownlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char host[256], port[16];
	const char *colon = strrchr(spec, ':');
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, one = 1, r;
	long portnum;
	size_t hl;

	if (!colon || !colon[1] || strlen(colon + 1) >= sizeof(port))
		nst_usage_error(EX_USAGE, "invalid address (ADDR:PORT): %s", spec);
	hl = (size_t)(colon - spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']')
		spec++, hl -= 2;
	if (hl >= sizeof(host))
		nst_usage_error(EX_USAGE, "invalid address (ADDR:PORT): %s", spec);
	memcpy(host, spec, hl);
	host[hl] = '\0';
	strcpy(port, colon + 1);
	if (nst_parse_long(port, 0, 65535, &portnum))
		nst_usage_error(EX_USAGE, "invalid port: %s", port);
	r = getaddrinfo(hl ? host : NULL, port, &hints, &ai);
	if (r)
		nst_die(EX_LISTEN, "cannot listen on %s: %s", spec, gai_strerror(r));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		nst_die(EX_LISTEN, "cannot listen on %s: %s", spec, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64))
		nst_die(EX_LISTEN, "cannot listen on %s: %s", spec, strerror(errno));
	freeaddrinfo(ai);
	if (!getsockname(fd, (struct sockaddr *)&ss, &sl) &&
	    !getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port, sizeof(port),
			 NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(shown, shownlen, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
	else
		snprintf(shown, shownlen, "%s", spec);
	return fd;
}

static int serve(struct exporter *ex, const char *spec)
{
	char def[32], shown[300];
	struct MHD_Daemon *d;
	sigset_t set;
	int fd, sig;

	snprintf(def, sizeof(def), "127.0.0.1:%d", NSEXPORTER_DEFAULT_PORT);
	fd = listen_on(spec ? spec : def, shown, sizeof(shown));
	ex->serving = true;
	/* the first scan before the first scrape: scrapes never wait for one
	 * (connections queue on the socket meanwhile) */
	pthread_mutex_lock(&ex->lock);
	exporter_update(ex);
	pthread_mutex_unlock(&ex->lock);
	/* the server threads inherit the mask: only sigwait below sees these */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
			     0, NULL, NULL, handle, ex,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_END);
	if (!d)
		nst_die(EX_LISTEN, "cannot start the HTTP server on %s", shown);
	nst_warn("listening on %s", shown);
	while (sigwait(&set, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
		;
	MHD_stop_daemon(d);
	close(fd);
	exporter_stop(ex);
	return EX_OK;
}

/* ------------------------------------------------------------------ main */

static void load_counters(struct exporter *ex)
{
	struct nsinfo_counters_opts co = { .size = sizeof(co) };
	int r;

	if (ex->no_bpf) {
		snprintf(ex->bpf_why, sizeof(ex->bpf_why), "disabled by --no-bpf");
		return;
	}
	r = nsinfo_events_supported(ex->bpf_why, sizeof(ex->bpf_why));
	if (r < 0)
		return;
	r = nsinfo_counters_new(&co, &ex->counters);
	if (r < 0)
		snprintf(ex->bpf_why, sizeof(ex->bpf_why), "cannot load the probe: %s",
			 strerror(-r));
}

int main(int argc, char **argv)
{
	struct exporter ex = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.min_interval = 5,
		/* the fd and mount passes find namespaces without processes,
		 * the container pass the runtimes */
		.scan_flags = NSINFO_SCAN_FDS | NSINFO_SCAN_MOUNTS | NSINFO_SCAN_CONTAINERS,
	};
	struct opts o = { 0 };
	int code = EX_OK;

	argv[0] = program_invocation_short_name;
	/* one heap for the scan thread and the connection threads (each
	 * thread would otherwise get an arena of its own, holding freed
	 * memory): a scrape is never CPU-bound on malloc */
	mallopt(M_ARENA_MAX, 1);
	nst_close_stdout_at_exit(EX_FAIL);
	parse_args(argc, argv, &o, &ex);
	load_counters(&ex);

	if (o.once) {
		size_t len;
		char *buf = exporter_render(&ex, false, &len);

		if (!buf)
			nst_die(EX_FAIL, "out of memory");
		fwrite(buf, 1, len, stdout);
		free(buf);
	} else if (o.textfile) {
		const char *what;
		int r = write_textfile(&ex, o.textfile, &what);

		if (r < 0)
			nst_die(EX_TEXTFILE, "cannot write %s/nsexporter.prom: %s", what, strerror(-r));
	} else {
		code = serve(&ex, o.listen);
	}
	if ((o.once || o.textfile) && !ex.last_ok) {
		nst_warn("cannot read %s: %s", ex.proc_root ? ex.proc_root : "/proc",
			 strerror(-ex.last_err));
		code = EX_SCAN;
	}
	nsinfo_counters_unref(ex.counters);
	nsinfo_snapshot_unref(ex.snap);
	return code;
}
