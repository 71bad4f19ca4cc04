/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A scheduler's death or ejection as the evidence of a result: one
 * SCHEDULER detail (the SCHED verdict) plus the kernel's sched_ext lines
 * and the end of the scheduler's output as notes.
 */
#include <stdlib.h>
#include <string.h>

#include <ktstr/sched.h>

#define SCHED_LOG_NOTES 12

/* Drop the generic "the scheduler died or was ejected" details a hold
 * recorded: the monitor's record replaces them. */
static void drop_sched_details(struct kt_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nr_details; i++) {
		if (r->details[i].kind == KT_DETAIL_SCHEDULER) {
			free(r->details[i].msg);
			continue;
		}
		r->details[n++] = r->details[i];
	}
	r->nr_details = n;
}

/* With the dump in the result, the loader's copy of it in the log's tail
 * would only repeat it: the notes start after its "END DEBUG DUMP". */
static size_t after_dump_block(const struct kt_sched_exit *e)
{
	size_t from = 0, n;

	for (size_t i = 0; e->dump && i < e->nr_log_tail; i++) {
		n = strlen(e->log_tail[i]);
		if (n >= 14 &&
		    !strcmp(e->log_tail[i] + n - 14, "END DEBUG DUMP"))
			from = i + 1;
	}
	return from;
}

int kt_sched_exit_to_result(struct kt_sched_run *sched, uint64_t since_ns,
			    const char *prefix, struct kt_result *r)
{
	const struct kt_sched_exit *e = kt_sched_run_exit(sched);
	char line[1400];
	size_t from;
	int err;

	drop_sched_details(r);
	if (!prefix)
		prefix = "";
	if (!e)
		return kt_result_add(r, KT_DETAIL_SCHEDULER,
				     "%sscheduler gone (no record of why)",
				     prefix);
	kt_sched_exit_detail(e, since_ns, line, sizeof(line));
	/* when it was noticed, from the scenario's start: a stall's stuck
	 * tasks last ran a watchdog timeout before the ejection */
	kt_result_set_evidence(r, e->at_ns, since_ns, 0);
	err = kt_result_add(r, KT_DETAIL_SCHEDULER, "%s%s", prefix, line);
	if (!err && e->dump)
		err = kt_result_add_dump(r, e->dump);
	for (size_t i = 0; !err && i < e->nr_kernel_lines; i++)
		err = kt_result_add(r, KT_DETAIL_NOTE, "kernel: %s",
				    e->kernel_lines[i]);
	from = after_dump_block(e);
	if (e->nr_log_tail - from > SCHED_LOG_NOTES)
		from = e->nr_log_tail - SCHED_LOG_NOTES;
	for (size_t i = from; !err && i < e->nr_log_tail; i++)
		err = kt_result_add(r, KT_DETAIL_NOTE, "sched.log: %s",
				    e->log_tail[i]);
	return err;
}
