/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory policies (internal): the kernel's MPOL_* value of a policy,
 * applying one to the calling thread and reading it back (names, checks:
 * <ktstr/workload.h>).
 */
#ifndef KTSTR_MEM_POLICY_H
#define KTSTR_MEM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <ktstr/workload.h>

/* MPOL_DEFAULT, MPOL_BIND, ...; 0 for a value that is not a policy. */
int kt_mempol_mode(enum kt_mempol_kind k);
/* set_mempolicy(2) for the calling thread (nothing for Default). 0, or a
 * negative errno with why written into err. */
int kt_mempol_apply(const struct kt_mem_policy *m, char *err, size_t len);
/* get_mempolicy(2) of the calling thread: its mode (MPOL_* with any
 * MPOL_F_* flags) and the first 64 nodes of its mask. 0 or -errno. */
int kt_mempol_read(int *mode, uint64_t *nodes);
/* The policy a get_mempolicy mode and mask describe (flags kept; an
 * unknown mode reads as Default with the mask). */
void kt_mempol_from_kernel(int mode, uint64_t nodes, struct kt_mem_policy *out);

#endif
