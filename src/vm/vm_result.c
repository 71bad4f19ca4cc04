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
	case KT_VM_RUN:
	default:
		return "run";
	}
}

char *kt_vm_plan_json(const struct kt_vm_opts *o)
{
	json_t *p = json_object(), *sc = json_array();
	char topo[64] = "";
	char *text = NULL;
	bool ok = p && sc;

	kt_topo_spec_name(&o->topo, topo, sizeof(topo));
	for (size_t i = 0; ok && i < o->nr_scenarios; i++)
		ok = !json_array_append_new(sc, json_string(o->scenarios[i]));
	ok = ok && !json_object_set_new(p, "version", json_integer(1));
	ok = ok &&
	     !json_object_set_new(p, "mode", json_string(mode_name(o->mode)));
	ok = ok && !json_object_set(p, "scenarios", sc);
	ok = ok && !json_object_set_new(
		       p, "duration_ns",
		       json_integer((json_int_t)(o->duration_ns ? o->duration_ns
								: KT_SEC(2))));
	ok = ok && !json_object_set_new(p, "workers", json_integer(o->workers));
	ok = ok && !json_object_set_new(p, "topo", json_string(topo));
	if (o->exec)
		ok =
		    ok && !json_object_set_new(p, "exec", json_string(o->exec));
	ok = ok && !json_object_set_new(p, "sched", json_null());
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
	json_object_set_new(j, "results", results);
	return j;
}
