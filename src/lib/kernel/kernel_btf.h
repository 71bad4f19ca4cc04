/* SPDX-License-Identifier: GPL-2.0-only */
/* Member offsets of kernel structs from BTF (kernel_btf.c). */
#ifndef KTSTR_KERNEL_BTF_H
#define KTSTR_KERNEL_BTF_H

#include <stdint.h>

struct btf;

/*
 * The byte offset and size of the member at path ("clock",
 * "scx.nr_running", "name.domainname") of struct sname, looking through
 * anonymous structs and unions (rq's curr sits in one beside donor).
 * -ENOENT with a message naming the struct and path when there is no such
 * member, -EINVAL for a bitfield.
 */
int kt_btf_member(const struct btf *btf, const char *sname, const char *path,
		  uint32_t *off, uint32_t *size);

#endif
