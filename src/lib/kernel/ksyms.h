/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel symbols from a System.map (ksyms.c). */
#ifndef KTSTR_KERNEL_KSYMS_H
#define KTSTR_KERNEL_KSYMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Parse one System.map line ("ffffffff82a0c040 D init_uts_ns"): *addr,
 * *type and the name (up to the end of the line, at most len-1 bytes).
 * -EINVAL when the line is not "HEX TYPE NAME".
 */
int kt_sysmap_parse_line(const char *line, uint64_t *addr, char *type,
			 char *name, size_t len);

/*
 * Look the names[0..n) up in the System.map text of f in one pass:
 * out[i] gets the address of names[i] (the first line naming it).
 * -ENOENT with a message naming the first missing symbol and origin.
 */
int kt_sysmap_lookup_file(FILE *f, const char *origin, const char *const *names,
			  uint64_t *out, size_t n);
/* The same for the file at path (-errno when it cannot be opened). */
int kt_sysmap_lookup(const char *path, const char *const *names, uint64_t *out,
		     size_t n);

#endif
