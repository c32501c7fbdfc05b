/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live event feed of nstop: the latest clone/unshare/setns events,
 * newest first, and the events/s and lost figures of the header. Behind
 * this interface sits libnsinfo's eBPF event source; when it cannot load,
 * the pane carries the reason and everything else works without it.
 */
#ifndef NSTOP_EVENTS_PANE_H
#define NSTOP_EVENTS_PANE_H

#include <stddef.h>

struct events_pane;

/* Try to start the event source. NULL only on ENOMEM; a source that could
 * not load gives an inactive pane with the reason in events_pane_status.
 * ct (-C, kept by the caller; NULL none): the lines shown are only those
 * containers' events, filtered in the kernel (every event still counts
 * for the rate and the refresh). */
struct nst_ct_targets;
struct events_pane *events_pane_open(const struct nst_ct_targets *ct);
void events_pane_close(struct events_pane *p);
/* fd to poll for POLLIN, -1 when inactive */
int events_pane_fd(const struct events_pane *p);
/* the second one while a pid filter is set, else -1 */
int events_pane_filter_fd(const struct events_pane *p);
/* Take what the sources have buffered. */
void events_pane_consume(struct events_pane *p);
/* "2.0/s, lost 0" while active, "event source not available: <why>" if not. */
const char *events_pane_status(struct events_pane *p);
/*
 * For an incremental refresh: the processes that made namespace calls since
 * the previous call. Returns false when the pane cannot vouch for the list
 * (inactive, or a pid could not be noted). Whether the feed itself saw
 * every call (no lost events, on during the whole interval) is checked by
 * libnsinfo's refresh, given events_pane_source(). Consume first. *pids
 * stays valid until the next call.
 */
#include <stdbool.h>
#include <sys/types.h>
bool events_pane_changes(struct events_pane *p, const pid_t **pids, size_t *n);
/* The event source behind the pane (for nsinfo_refresh_opts.events), NULL
 * when inactive. */
struct nsinfo_events;
struct nsinfo_events *events_pane_source(const struct events_pane *p);
/*
 * What the pane shows (the events/s rate, lost and the incremental refresh
 * still see every event): spec "" shows all; "pid:N" or "N" process N and
 * every process it starts from now on (filtered in the kernel, so other
 * processes' storms cannot crowd it out or make it lost); "comm:TEXT" or
 * any other TEXT the events whose command name contains TEXT; "ct:TEXT"
 * the events of processes in a container whose name or id starts with
 * TEXT (the container of the caller, or else of its parent, as of the last
 * refresh: see events_pane_set_container). The shown lines are cleared.
 * 0, or -errno with a one-line reason in why (-EINVAL bad spec, -ESRCH no
 * such process, -ENOTSUP no event source); the filter is then unchanged.
 */
int events_pane_set_filter(struct events_pane *p, const char *spec, char *why, size_t len);
/* The filter in force, "" for none. */
const char *events_pane_filter(const struct events_pane *p);
/* How "ct:" finds a process's container: fn(pid, data) gives its name and
 * id (NULL, NULL: none or unknown); 1 when found. */
typedef int (*events_pane_ct_fn)(pid_t pid, void *data, const char **name, const char **id);
void events_pane_set_container(struct events_pane *p, events_pane_ct_fn fn, void *data);
/* Formatted events, 0 the newest; NULL past the end. */
size_t events_pane_count(const struct events_pane *p);
const char *events_pane_line(const struct events_pane *p, size_t i);

#endif
