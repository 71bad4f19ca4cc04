/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The resources of one worker's run state: what a kind's setup takes
 * before the gate and kt_work_teardown() gives back. IoSyncWrite and a
 * Sequence with an io phase get a scratch file (created and unlinked at
 * once); the cache kinds, the page fault region and FanOutCompute's
 * matrices are private anonymous maps; the pipe kinds ignore SIGPIPE (a
 * vanished partner is an EPIPE).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "work_kinds.h"

void kt_work_run_init(struct kt_work_run *r)
{
	r->io_fd = -1;
	r->pipe_rd = -1;
	r->pipe_wr = -1;
	r->buf = NULL;
	r->buf_len = 0;
	r->group_size = 1;
	r->role = 0;
	r->grp = NULL;
}

int kt_work_scratch_file(struct kt_work_run *r, char *err, size_t errlen)
{
	const char *who = r->desc->name;
	const char *dir;
	char path[4096];
	int fd, e;

	dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/ktstr_io_XXXXXX", dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: scratch path in %.64s: %s", who, dir,
			 strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	/* mkostemp creates with O_EXCL; unlink at once so no path remains. */
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: create scratch file in %.64s: %s",
			 who, dir, strerror(e));
		return -e;
	}
	unlink(path);
	r->io_fd = fd;
	return 0;
}

int kt_work_map_buf(struct kt_work_run *r, size_t len, char *err, size_t errlen)
{
	void *p;
	int e;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		e = errno;
		snprintf(err, errlen, "%s: map %zu bytes: %s", r->desc->name,
			 len, strerror(e));
		return -e;
	}
	r->buf = p;
	r->buf_len = len;
	return 0;
}

void kt_work_ignore_sigpipe(void)
{
	struct sigaction ign;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
}

void kt_work_teardown(struct kt_work_run *r)
{
	if (r->io_fd >= 0)
		close(r->io_fd);
	r->io_fd = -1;
	if (r->pipe_rd >= 0)
		close(r->pipe_rd);
	if (r->pipe_wr >= 0)
		close(r->pipe_wr);
	r->pipe_rd = r->pipe_wr = -1;
	if (r->buf)
		munmap(r->buf, r->buf_len);
	r->buf = NULL;
	r->buf_len = 0;
}
