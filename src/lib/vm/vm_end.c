/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a VM run ended, once QEMU is gone: the end (interrupted, crash,
 * exit, timeout, boot failure, death), the verdict, the one-line reason,
 * the console excerpt, the exit code, and an INFRA result naming the
 * failure so every report shows it. A crash in the console beats
 * everything but an interruption (never a pass), then the guest's exit
 * message decides, then timeout / boot failure / death.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ktstr/sched.h>

#include "console_scan.h"
#include "core/wait_status.h"
#include "vm_internal.h"

#define CONSOLE_TAIL_LINES 30

static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	n = pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	*len = n > 0 ? (size_t)n : 0;
	buf[*len] = '\0';
	return buf;
}

/* The last non-empty line of QEMU's own output, for boot failures. */
static char *qemu_last_line(const char *qemu_log)
{
	size_t len;
	char *text = read_file(qemu_log, &len), *tail, *nl;

	if (!text)
		return NULL;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	tail = kt_console_tail(text, len, 1);
	free(text);
	if (tail && (nl = strchr(tail, '\n')))
		*nl = '\0';
	if (tail && !*tail) {
		free(tail);
		tail = NULL;
	}
	return tail;
}

static void set_reason(struct kt_vm_result *res, const char *fmt, ...)
    KT_PRINTF(2, 3);
static void set_reason(struct kt_vm_result *res, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(res->reason);
	res->reason = s;
}

/* Add an INFRA result naming what failed, so every report shows it. */
static int add_infra_result(const struct kt_vm_opts *o,
			    const struct kt_vm_end_facts *f,
			    struct kt_vm_result *res)
{
	const char *sched = "eevdf";
	struct kt_result r, *arr;
	char label[256];
	int err;

	if (o->sched &&
	    !kt_sched_label(o->sched, o->sched_flags, label, sizeof(label))) {
		sched = label;
	} else if (o->scheduler) {
		const char *slash = strrchr(o->scheduler, '/');

		sched = slash ? slash + 1 : o->scheduler;
	}
	kt_result_init(&r);
	err = kt_result_set_header(&r, f->running ? f->running : "vm", f->topo,
				   sched);
	err = err
		  ?: kt_result_add(&r, KT_DETAIL_INFRA, "%s",
				   res->reason ? res->reason : "VM failed");
	r.duration_ns = res->wall_ms * 1000000ULL;
	arr = err ? NULL
		  : realloc(res->results, (res->nr_results + 1) * sizeof(*arr));
	if (!arr) {
		kt_result_free(&r);
		return err ? err : kt_err(ENOMEM, "out of memory");
	}
	res->results = arr;
	res->results[res->nr_results++] = r;
	return 0;
}

static enum kt_verdict code_verdict(int code)
{
	switch (code) {
	case KT_EXIT_PASS:
		return KT_VERDICT_PASS;
	case KT_EXIT_FAIL:
		return KT_VERDICT_FAIL;
	case KT_EXIT_UNSUPPORTED:
		return KT_VERDICT_SKIP;
	case KT_EXIT_INCONCLUSIVE:
		return KT_VERDICT_INCONCLUSIVE;
	default:
		return KT_VERDICT_INFRA;
	}
}

/* The guest sent `exit`: its code, the results and the scheduler decide;
 * a missing result never passes. */
static void end_with_exit(const struct kt_vm_opts *o, struct kt_vm_result *res)
{
	size_t want = o->nr_scenarios + o->nr_scenario_files;

	res->end = KT_VM_END_EXIT;
	res->verdict = code_verdict(res->guest_code);
	for (size_t i = 0; i < res->nr_results; i++)
		if (res->results[i].verdict > res->verdict)
			res->verdict = res->results[i].verdict;
	/* The scheduler died, was ejected or did not detach. */
	if (res->sched.exited && res->verdict < KT_VERDICT_SCHED)
		res->verdict = KT_VERDICT_SCHED;
	if (res->errors.nr)
		set_reason(res, "guest error: %s", res->errors.v[0]);
	if (o->mode == KT_VM_RUN && res->nr_results < want) {
		/* A scenario vanished: never let that pass. */
		res->verdict = KT_VERDICT_INFRA;
		set_reason(res,
			   "the guest reported %zu result(s) for %zu "
			   "scenario(s)%s%s",
			   res->nr_results, want,
			   res->errors.nr ? "; guest error: " : "",
			   res->errors.nr ? res->errors.v[0] : "");
	}
	if (o->mode == KT_VM_TEST && !res->nr_results) {
		res->verdict = KT_VERDICT_INFRA;
		set_reason(res, "the guest reported no result for test %s%s%s",
			   o->test ? o->test : "?",
			   res->errors.nr ? "; guest error: " : "",
			   res->errors.nr ? res->errors.v[0] : "");
	}
}

/* No `exit` message: a watchdog fired, the guest never booted, or QEMU
 * ended after the boot. */
static void end_without_exit(const struct kt_vm_end_facts *f,
			     struct kt_vm_result *res)
{
	char how[128];

	kt_wait_status_text(f->wait_status, how, sizeof(how));
	if (f->timed_out) {
		res->end = KT_VM_END_TIMEOUT;
		set_reason(res, "timed out after %llu s %s; QEMU killed",
			   (unsigned long long)(f->limit_ns / KT_SEC(1)),
			   res->booted ? "waiting for the guest's exit message"
				       : "waiting for the guest to boot");
	} else if (!res->booted) {
		char *last = qemu_last_line(f->qemu_log);

		res->end = KT_VM_END_BOOT_FAILED;
		if (res->errors.nr)
			set_reason(res, "QEMU %s before the guest booted: %s",
				   how, res->errors.v[0]);
		else
			set_reason(res, "QEMU %s before the guest booted%s%s",
				   how, last ? ": " : "", last ? last : "");
		free(last);
	} else {
		res->end = KT_VM_END_DIED;
		set_reason(res, "QEMU %s without the guest's exit message%s%s",
			   how, res->errors.nr ? "; guest error: " : "",
			   res->errors.nr ? res->errors.v[0] : "");
	}
}

void kt_vm_classify(const struct kt_vm_opts *o, const struct kt_vm_end_facts *f,
		    struct kt_vm_result *res)
{
	struct kt_console_scan scan = {0};
	size_t len;
	char *text = read_file(f->console_path, &len);

	if (text)
		kt_console_scan_text(text, len, &scan);
	res->console_kind = scan.kind;
	if (o->capture_console && text)
		res->console_text = strdup(text);

	res->verdict = KT_VERDICT_INFRA;
	if (f->stop_signal) {
		res->end = KT_VM_END_INTERRUPTED;
		res->signo = f->stop_signal;
		set_reason(res, "interrupted by %s; QEMU killed",
			   strsignal(f->stop_signal));
	} else if (kt_console_is_crash(scan.kind)) {
		res->end = KT_VM_END_CRASH;
		set_reason(res, "guest %s: %s", kt_console_kind_name(scan.kind),
			   scan.first_hit ? scan.first_hit : "");
		res->console_excerpt = scan.excerpt;
		scan.excerpt = NULL;
	} else if (res->has_exit) {
		end_with_exit(o, res);
	} else {
		end_without_exit(f, res);
	}
	if (res->end != KT_VM_END_EXIT && !res->console_excerpt && text)
		res->console_excerpt =
		    kt_console_tail(text, len, CONSOLE_TAIL_LINES);
	free(text);
	kt_console_scan_free(&scan);

	if (res->end == KT_VM_END_INTERRUPTED)
		res->exit_code = f->stop_signal == SIGINT ? 130 : KT_EXIT_INFRA;
	else
		res->exit_code = kt_verdict_exit_code(res->verdict);
	if (res->end != KT_VM_END_EXIT ||
	    (res->verdict == KT_VERDICT_INFRA && res->reason))
		add_infra_result(o, f, res);
}
