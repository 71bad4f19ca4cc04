/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host end of the channel: read the file QEMU writes the guest's
 * virtio-serial port into as it grows, split it into lines and apply each
 * JSON message (docs/protocol.md) to the kt_vm_result being built.
 * Malformed lines are recorded as errors, never fatal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "result/result_dump.h"
#include "monitor_priv.h"
#include "strv.h"
#include "vm_internal.h"

static int push_list(struct kt_strv *sv, json_t *arr)
{
	size_t i;
	json_t *v;
	int err = 0;

	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v))
			err = err ?: kt_strv_push(sv, json_string_value(v));
	}
	return err;
}

static char *dup_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static int add_result(struct kt_vm_chan *ch, struct kt_vm_result *res,
		      json_t *rj)
{
	struct kt_result *arr, r;
	int err;

	kt_result_init(&r);
	err = kt_result_from_json(rj, &r);
	if (err) {
		kt_result_free(&r);
		return kt_strv_pushf(&res->errors, "bad result message: %s",
				     kt_last_error());
	}
	if (!r.topo || !*r.topo)
		kt_result_set_header(&r, NULL, ch->topo_label, NULL);
	arr = realloc(res->results, (res->nr_results + 1) * sizeof(*arr));
	if (!arr) {
		kt_result_free(&r);
		return kt_err(ENOMEM, "out of memory");
	}
	res->results = arr;
	res->results[res->nr_results++] = r;
	free(ch->running);
	ch->running = NULL;
	return 0;
}

/* The first sched_exit wins (a later one would only repeat it). */
static int sched_exit(struct kt_vm_result *res, json_t *m)
{
	struct kt_vm_sched *s = &res->sched;
	int err;

	if (s->exited)
		return 0;
	s->exited = true;
	s->phase = dup_str(m, "phase");
	s->reason = dup_str(m, "reason");
	s->at_ms = (uint64_t)json_integer_value(json_object_get(m, "at_ms"));
	s->ejected = json_is_true(json_object_get(m, "ejected"));
	err = push_list(&s->kernel_lines, json_object_get(m, "kernel_lines"));
	err = err ?: push_list(&s->log_tail, json_object_get(m, "log_tail"));
	if (!err && json_is_object(json_object_get(m, "dump")) &&
	    kt_result_dump_from_json(json_object_get(m, "dump"),
				     "sched_exit: dump", &s->dump))
		err = kt_strv_pushf(&res->errors, "%s", kt_last_error());
	return err;
}

static int handle(struct kt_vm_chan *ch, struct kt_vm_result *res,
		  const char *line)
{
	json_error_t jerr;
	json_t *m = json_loads(line, 0, &jerr);
	const char *type;
	int err = 0;

	if (!json_is_object(m) || !json_is_string(json_object_get(m, "type"))) {
		json_decref(m);
		return kt_strv_pushf(&res->errors,
				     "unparsable channel line: %.200s", line);
	}
	type = json_string_value(json_object_get(m, "type"));
	if (!strcmp(type, "boot")) {
		res->booted = true;
		res->boot_ms = (kt_now_ns() - ch->t0_ns) / 1000000;
		free(res->kernel_release);
		res->kernel_release = dup_str(m, "kernel");
		res->guest_cpus =
		    (unsigned)json_integer_value(json_object_get(m, "cpus"));
	} else if (!strcmp(type, "topo")) {
		struct kt_vm_guest_topo *g = &res->guest_topo;

		res->has_topo = true;
		free(g->shape);
		g->shape = dup_str(m, "topo");
		kt_strv_free(&g->llcs);
		kt_strv_free(&g->nodes);
		kt_strv_free(&g->siblings);
		err = push_list(&g->llcs, json_object_get(m, "llcs"));
		err = err ?: push_list(&g->nodes, json_object_get(m, "nodes"));
		err = err
			  ?: push_list(&g->siblings,
				       json_object_get(m, "siblings"));
	} else if (!strcmp(type, "scenario_start")) {
		free(ch->running);
		ch->running = dup_str(m, "name");
	} else if (!strcmp(type, "result")) {
		err = add_result(ch, res, json_object_get(m, "result"));
	} else if (!strcmp(type, "error")) {
		json_t *msg = json_object_get(m, "msg");

		err = kt_strv_push(&res->errors, json_is_string(msg)
						     ? json_string_value(msg)
						     : "(no message)");
	} else if (!strcmp(type, "exit")) {
		json_t *st = json_object_get(m, "status");

		res->has_exit = true;
		res->guest_code =
		    (int)json_integer_value(json_object_get(m, "code"));
		if (json_is_integer(st))
			res->guest_status = (int)json_integer_value(st);
	} else if (!strcmp(type, "sched_attached")) {
		struct kt_vm_sched *s = &res->sched;

		s->attached = true;
		free(s->name);
		s->name = dup_str(m, "name");
		s->pid = (int)json_integer_value(json_object_get(m, "pid"));
		s->after_ms = (uint64_t)json_integer_value(
		    json_object_get(m, "after_ms"));
	} else if (!strcmp(type, "sched_exit")) {
		err = sched_exit(res, m);
	} else if (!strcmp(type, "ksyms") && ch->monitor) {
		kt_vm_monitor_ksyms(ch->monitor, m);
	} else if (!strcmp(type, "artifact")) {
		err = kt_vm_art_chunk(ch, res, m);
	}
	/* Unknown types are ignored: newer guests may send more. */
	json_decref(m);
	return err;
}

int kt_vm_chan_poll(struct kt_vm_chan *ch, struct kt_vm_result *res)
{
	for (;;) {
		char *nl;
		ssize_t n;

		if (ch->cap - ch->len < 4096) {
			size_t cap = ch->cap ? ch->cap * 2 : 16384;
			char *b = realloc(ch->buf, cap);

			if (!b)
				return kt_err(ENOMEM, "channel: out of memory");
			ch->buf = b;
			ch->cap = cap;
		}
		n = read(ch->fd, ch->buf + ch->len, ch->cap - ch->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kt_err(errno, "channel: read: %s",
				      strerror(errno));
		if (n == 0)
			return 0;
		ch->len += (size_t)n;
		ch->buf[ch->len] = '\0';
		while ((nl = memchr(ch->buf, '\n', ch->len))) {
			size_t used = (size_t)(nl - ch->buf) + 1;
			int err;

			*nl = '\0';
			if (nl > ch->buf && nl[-1] == '\r')
				nl[-1] = '\0';
			err = ch->buf[0] ? handle(ch, res, ch->buf) : 0;
			memmove(ch->buf, ch->buf + used, ch->len - used);
			ch->len -= used;
			ch->buf[ch->len] = '\0';
			if (err)
				return err;
		}
	}
}

void kt_vm_chan_free(struct kt_vm_chan *ch)
{
	free(ch->buf);
	free(ch->running);
	kt_vm_art_rx_free(ch);
	ch->buf = NULL;
	ch->running = NULL;
	ch->len = ch->cap = 0;
}
