/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's RAM on shared memory for the host-side monitor: one memfd
 * per QEMU memory backend (memory-backend-file with mem-path
 * /proc/self/fd/N, share=on), mapped read-only here, and reads by guest
 * physical address through the "pc" machine's RAM layout.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "guest_mem.h"

#define GIB		 (1ULL << 30)
#define PC_MAX_BELOW_4G	 (3ULL * GIB + GIB / 2) /* 0xe0000000 */
#define PC_ALIGNED_BELOW (3ULL * GIB)		/* 0xc0000000 */
#define FOUR_GIB	 (4ULL * GIB)

uint64_t kt_pc_below_4g(uint64_t ram_size)
{
	return ram_size >= PC_MAX_BELOW_4G ? PC_ALIGNED_BELOW : ram_size;
}

int kt_pc_ram_offset(uint64_t ram_size, uint64_t gpa, uint64_t *off)
{
	uint64_t low = kt_pc_below_4g(ram_size);

	if (gpa < low) {
		*off = gpa;
		return 0;
	}
	if (gpa >= FOUR_GIB && gpa - FOUR_GIB < ram_size - low) {
		*off = low + (gpa - FOUR_GIB);
		return 0;
	}
	return -EFAULT;
}

int kt_guest_mem_create(struct kt_guest_mem *m, unsigned nr, uint64_t total)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < KT_GUEST_MEM_MAX; i++)
		m->fd[i] = -1;
	if (!nr || nr > KT_GUEST_MEM_MAX || total % nr)
		return kt_err(EINVAL,
			      "guest memory: %llu bytes over %u backends",
			      (unsigned long long)total, nr);
	m->seg_size = total / nr;
	for (unsigned i = 0; i < nr; i++) {
		void *p;

		m->fd[i] = memfd_create("ktstr-guest-ram", MFD_CLOEXEC);
		if (m->fd[i] < 0 || ftruncate(m->fd[i], (off_t)m->seg_size)) {
			int err = errno;

			m->nr = i + 1;
			kt_guest_mem_free(m);
			return kt_err(
			    err, "guest memory: memfd of %llu bytes: %s",
			    (unsigned long long)total / nr, strerror(err));
		}
		p = mmap(NULL, m->seg_size, PROT_READ, MAP_SHARED, m->fd[i], 0);
		if (p == MAP_FAILED) {
			int err = errno;

			m->nr = i + 1;
			kt_guest_mem_free(m);
			return kt_err(err, "guest memory: mmap: %s",
				      strerror(err));
		}
		m->map[i] = p;
	}
	m->nr = nr;
	return 0;
}

void kt_guest_mem_free(struct kt_guest_mem *m)
{
	for (unsigned i = 0; i < m->nr && i < KT_GUEST_MEM_MAX; i++) {
		if (m->map[i])
			munmap((void *)m->map[i], m->seg_size);
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->map[i] = NULL;
		m->fd[i] = -1;
	}
	m->nr = 0;
}

int kt_guest_mem_read(const struct kt_guest_mem *m, uint64_t gpa, void *buf,
		      size_t len)
{
	uint64_t off, seg;

	if (!m->nr || kt_pc_ram_offset(m->seg_size * m->nr, gpa, &off))
		return -EFAULT;
	seg = off / m->seg_size;
	off %= m->seg_size;
	if (seg >= m->nr || off + len > m->seg_size)
		return -EFAULT;
	memcpy(buf, m->map[seg] + off, len);
	return 0;
}
