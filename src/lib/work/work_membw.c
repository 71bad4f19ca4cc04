/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MemBandwidth: stream over a private buffer larger than the LLC, reading
 * and writing every 64-byte cache line (one unit per line), so the worker
 * is bound by memory bandwidth and by where its pages live, not by its
 * caches. One iteration is a chunk of KT_MEMBW_CHUNK lines (256 KiB); the
 * passes wrap around the buffer.
 *
 * The buffer is mapped and every page of it written in the worker's setup:
 * that runs in the worker after the workload applied its policies (and, on
 * NUMA topologies, the worker's mem_policy), so the first touch places the
 * pages as that memory policy says. A buffer made by the parent, or left
 * untouched until the loop, would not honour it.
 *
 * Before that the setup checks that the workload's buffers fit in the
 * memory available (MemAvailable less a 32 MiB headroom) and fails with
 * a message naming --memory and size_kb when they do not, rather than
 * leaving the OOM killer to end the run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "core/small_file.h"
#include "work_kinds.h"

#define KT_MEMBW_LINE	64u
#define KT_MEMBW_CHUNK	4096u /* lines per checkpoint */
#define KT_MEMBW_MIN_KB 64u
/* What the buffers must leave of the memory available (KiB): the rest of
 * the run (other workers, the page cache, the harness) needs some. */
#define KT_MEMBW_HEADROOM_KB (32u << 10)

/* MemAvailable of /proc/meminfo in KiB; 0 when unknown. */
static uint64_t mem_available_kb(void)
{
	char buf[4096], *p;

	if (kt_read_small("/proc/meminfo", buf, sizeof(buf)) ||
	    !(p = strstr(buf, "MemAvailable:")))
		return 0;
	return strtoull(p + strlen("MemAvailable:"), NULL, 10);
}

/*
 * Do the buffers of all the workload's workers fit in the memory
 * available now? Its workers set up side by side, so each counts them
 * all; a workload spawned later sees what earlier ones took. Touching more
 * than there is would bring the OOM killer instead of an answer.
 */
static int membw_fits(const struct kt_work_run *r, char *err, size_t errlen)
{
	uint64_t avail = mem_available_kb();
	uint64_t need = (uint64_t)r->work.mem_bandwidth.size_kb * r->nr_workers;

	if (!avail || need + KT_MEMBW_HEADROOM_KB <= avail)
		return 0;
	/* the report keeps 127 characters: short */
	snprintf(err, errlen,
		 "%s: %zu x %u KiB > %llu KiB available less %u; use "
		 "vm --memory MB or a smaller size_kb",
		 r->desc->name, r->nr_workers, r->work.mem_bandwidth.size_kb,
		 (unsigned long long)avail, KT_MEMBW_HEADROOM_KB);
	return -ENOMEM;
}

static int loop_mem_bandwidth(struct kt_work_run *r)
{
	size_t lines = r->buf_len / KT_MEMBW_LINE, pos = 0, n, i;
	volatile uint64_t *b = r->buf;
	uint64_t sum = 0;

	while (!kt_work_stopping(r)) {
		n = lines - pos < KT_MEMBW_CHUNK ? lines - pos : KT_MEMBW_CHUNK;
		for (i = pos; i < pos + n; i++) {
			volatile uint64_t *l = b + i * (KT_MEMBW_LINE / 8);

			sum += l[0];
			l[1] = sum;
		}
		pos = pos + n == lines ? 0 : pos + n;
		kt_tel_checkpoint(r->tel, n, true);
	}
	return 0;
}

/* Map the buffer and write every page now, under the worker's memory
 * policy (see the top of the file). */
static int membw_setup(struct kt_work_run *r, char *err, size_t errlen)
{
	int rc = membw_fits(r, err, errlen);

	if (!rc)
		rc = kt_work_map_buf(
		    r, (size_t)r->work.mem_bandwidth.size_kb * 1024, err,
		    errlen);
	if (!rc)
		memset(r->buf, 1, r->buf_len);
	return rc;
}

static void membw_resolve(struct kt_work_type *w)
{
	kt_dfl32(&w->mem_bandwidth.size_kb, 32768);
}

static int membw_check(const struct kt_work_kind_desc *d,
		       const struct kt_work_type *w)
{
	return kt_work_check_range(d->name, "size_kb", w->mem_bandwidth.size_kb,
				   KT_MEMBW_MIN_KB, KT_MAX_BUF_KB);
}

const struct kt_work_kind_desc kt_mem_bandwidth_desc = {
    .kind = KT_WORK_MEM_BANDWIDTH,
    .name = "MemBandwidth",
    .parsable = true,
    .group_size = 1,
    .resolve = membw_resolve,
    .check = membw_check,
    .setup = membw_setup,
    .loop = loop_mem_bandwidth,
};
