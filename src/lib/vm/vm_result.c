/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The data around a VM run: the run plan sent in (JSON), the kernel image
 * sanity check, and the kt_vm_result that comes out (names, JSON, free).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <ktstr/sched.h>
#include <ktstr/vm.h>

const char *kt_vm_end_name(enum kt_vm_end e)
{
	switch (e) {
	case KT_VM_END_EXIT:
		return "exit";
	case KT_VM_END_CRASH:
		return "crash";
	case KT_VM_END_BOOT_FAILED:
		return "boot-failed";
	case KT_VM_END_DIED:
		return "died";
	case KT_VM_END_TIMEOUT:
		return "timeout";
	case KT_VM_END_INTERRUPTED:
		return "interrupted";
	}
	return "?";
}

static const char *mode_name(enum kt_vm_mode m)
{
	switch (m) {
	case KT_VM_SHELL:
		return "shell";
	case KT_VM_PANIC:
		return "panic";
	case KT_VM_TEST:
		return "test";
	case KT_VM_RUN:
	default:
		return "run";
	}
}

/* The plan's "sched" object (docs/protocol.md), or null for EEVDF. */
static json_t *kt_vm_plan_sched_json(const struct kt_vm_opts *o)
{
	struct kt_sched_def bare = {0};
	const struct kt_sched_def *d = o->sched;
	json_t *s, *args;
	char **argv = NULL, label[1024];
	bool ok;

	if (!d && o->scheduler) {
		if (kt_sched_def_from_binary(&bare, o->scheduler))
			return NULL;
		d = &bare;
	}
	if (!d || kt_sched_def_is_eevdf(d))
		return json_null();
	s = json_object();
	args = json_array();
	ok = s && args &&
	     !kt_sched_argv(d, o->sched_flags, o->sched_extra_args, &argv,
			    NULL) &&
	     !kt_sched_label(d, o->sched_flags, label, sizeof(label));
	for (size_t i = 0; ok && argv[i]; i++)
		ok = !json_array_append_new(args, json_string(argv[i]));
	ok = ok &&
	     !json_object_set_new(s, "path", json_string(KT_VM_SCHED_PATH));
	ok = ok && !json_object_set_new(s, "name", json_string(d->name));
	ok = ok && !json_object_set_new(s, "label", json_string(label));
	ok = ok && !json_object_set(s, "args", args);
	ok = ok &&
	     !json_object_set_new(
		 s, "attach_timeout_ms",
		 json_integer((json_int_t)((d->attach_timeout_ns
						?: KT_SCHED_DEFAULT_ATTACH_NS) /
					   KT_MS(1))));
	ok = ok &&
	     !json_object_set_new(s, "assert", kt_assert_to_json(&d->assert));
	kt_sched_argv_free(argv);
	json_decref(args);
	kt_sched_def_free(&bare);
	if (!ok) {
		json_decref(s);
		return NULL;
	}
	return s;
}

char *kt_vm_plan_json(const struct kt_vm_opts *o)
{
	json_t *p = json_object(), *sc = json_array();
	char topo[64] = "";
	char *text = NULL;
	bool ok = p && sc;
	uint64_t dur;

	kt_topo_spec_name(&o->topo, topo, sizeof(topo));
	for (size_t i = 0; ok && i < o->nr_scenarios; i++)
		ok = !json_array_append_new(sc, json_string(o->scenarios[i]));
	ok = ok && !json_object_set_new(p, "version", json_integer(1));
	ok = ok &&
	     !json_object_set_new(p, "mode", json_string(mode_name(o->mode)));
	ok = ok && !json_object_set(p, "scenarios", sc);
	/* Scenario files: 0 lets each use its own duration_s (the guest's
	 * default is 2 s for everything else). */
	dur = o->duration_ns	     ? o->duration_ns
	      : o->nr_scenario_files ? 0
				     : KT_SEC(2);
	ok = ok && !json_object_set_new(p, "duration_ns",
					json_integer((json_int_t)dur));
	if (o->nr_scenario_files) {
		json_t *f = json_array();

		for (size_t i = 0; f && i < o->nr_scenario_files; i++)
			if (json_array_append_new(
				f, json_sprintf(KT_VM_SCENARIO_DIR "/%zu.json",
						i)))
				break;
		ok = ok && f && json_array_size(f) == o->nr_scenario_files &&
		     !json_object_set(p, "scenario_files", f);
		json_decref(f);
	}
	ok = ok && !json_object_set_new(p, "workers", json_integer(o->workers));
	ok = ok && !json_object_set_new(p, "topo", json_string(topo));
	if (o->test)
		ok =
		    ok && !json_object_set_new(p, "test", json_string(o->test));
	if (o->exec)
		ok =
		    ok && !json_object_set_new(p, "exec", json_string(o->exec));
	ok = ok && !json_object_set_new(p, "sched", kt_vm_plan_sched_json(o));
	if (ok)
		text = json_dumps(p, JSON_COMPACT);
	json_decref(sc);
	json_decref(p);
	if (!text)
		kt_err(ENOMEM, "plan: out of memory");
	return text;
}

int kt_vm_check_kernel(const char *path)
{
	unsigned char buf[0x206];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "kernel %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kt_err(EINVAL, "kernel %s: not a regular file", path);
	}
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n >= 4 && !memcmp(buf, "\177ELF", 4))
		return 0;
	if (n == (ssize_t)sizeof(buf) && !memcmp(buf + 0x202, "HdrS", 4))
		return 0;
	return kt_err(EINVAL,
		      "kernel %s: not a bzImage (no \"HdrS\" boot header) "
		      "nor an ELF vmlinux",
		      path);
}

void kt_vm_result_free(struct kt_vm_result *r)
{
	for (size_t i = 0; i < r->nr_results; i++)
		kt_result_free(&r->results[i]);
	free(r->results);
	free(r->reason);
	free(r->console_excerpt);
	free(r->console_text);
	free(r->kernel_release);
	free(r->accel);
	free(r->guest_topo.shape);
	kt_strv_free(&r->guest_topo.llcs);
	kt_strv_free(&r->guest_topo.nodes);
	kt_strv_free(&r->guest_topo.siblings);
	kt_strv_free(&r->errors);
	free(r->sched.name);
	free(r->sched.phase);
	free(r->sched.reason);
	kt_strv_free(&r->sched.kernel_lines);
	kt_strv_free(&r->sched.log_tail);
	memset(r, 0, sizeof(*r));
}

static json_t *strv_json(const struct kt_strv *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* {attached, name, pid, after_ms, exit: {...} or null}, or null when the
 * guest said nothing about a scheduler. */
static json_t *sched_json(const struct kt_vm_sched *s)
{
	json_t *j, *e = json_null();

	if (!s->attached && !s->exited)
		return json_null();
	if (s->exited)
		e = json_pack("{s:s?, s:I, s:b, s:s?, s:o, s:o}", "phase",
			      s->phase, "at_ms", (json_int_t)s->at_ms,
			      "ejected", s->ejected, "reason", s->reason,
			      "kernel_lines", strv_json(&s->kernel_lines),
			      "log_tail", strv_json(&s->log_tail));
	j = json_pack("{s:b, s:s?, s:i, s:I, s:o}", "attached", s->attached,
		      "name", s->name, "pid", s->pid, "after_ms",
		      (json_int_t)s->after_ms, "exit", e ? e : json_null());
	return j;
}

json_t *kt_vm_result_to_json(const struct kt_vm_result *r)
{
	json_t *j = json_object(), *results = json_array(), *topo = NULL;

	if (!j || !results) {
		json_decref(j);
		json_decref(results);
		return NULL;
	}
	for (size_t i = 0; i < r->nr_results; i++)
		json_array_append_new(results,
				      kt_result_to_json(&r->results[i]));
	if (r->has_topo) {
		topo = json_object();
		json_object_set_new(topo, "topo",
				    str_or_null(r->guest_topo.shape));
		json_object_set_new(topo, "llcs",
				    strv_json(&r->guest_topo.llcs));
		json_object_set_new(topo, "nodes",
				    strv_json(&r->guest_topo.nodes));
		json_object_set_new(topo, "siblings",
				    strv_json(&r->guest_topo.siblings));
	}
	json_object_set_new(j, "end", json_string(kt_vm_end_name(r->end)));
	json_object_set_new(j, "verdict",
			    json_string(kt_verdict_name(r->verdict)));
	json_object_set_new(j, "exit_code", json_integer(r->exit_code));
	json_object_set_new(j, "reason", str_or_null(r->reason));
	json_object_set_new(j, "accel", str_or_null(r->accel));
	json_object_set_new(j, "booted", json_boolean(r->booted));
	json_object_set_new(j, "boot_ms", json_integer((json_int_t)r->boot_ms));
	json_object_set_new(j, "wall_ms", json_integer((json_int_t)r->wall_ms));
	json_object_set_new(j, "kernel", str_or_null(r->kernel_release));
	json_object_set_new(j, "guest_cpus", json_integer(r->guest_cpus));
	json_object_set_new(j, "guest_topo", topo ? topo : json_null());
	json_object_set_new(j, "guest_errors", strv_json(&r->errors));
	json_object_set_new(j, "console",
			    json_string(kt_console_kind_name(r->console_kind)));
	json_object_set_new(j, "console_excerpt",
			    str_or_null(r->console_excerpt));
	json_object_set_new(j, "sched", sched_json(&r->sched));
	json_object_set_new(j, "results", results);
	return j;
}
