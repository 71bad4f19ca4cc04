/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the VM supervisor's files (not a public API). */
#ifndef KTSTR_VM_INTERNAL_H
#define KTSTR_VM_INTERNAL_H

#include <ktstr/vm.h>

/* Channel reader state: bytes not yet ending in '\n'. */
struct kt_vm_chan {
	int fd;
	char *buf;
	size_t len, cap;
	char *running; /* scenario started and not yet reported */
	const char *topo_label;
	uint64_t t0_ns;
};

/* Read what the channel file gained and handle every complete line.
 * Returns 0, or -errno on a read error. */
int kt_vm_chan_poll(struct kt_vm_chan *ch, struct kt_vm_result *res);
void kt_vm_chan_free(struct kt_vm_chan *ch);

#endif
