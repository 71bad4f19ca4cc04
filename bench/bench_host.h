/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the VM benchmarks share on the host side: finding QEMU the way
 * `ktstr vm` does, so a machine without it is "skipped", not an error.
 */
#ifndef KTSTR_BENCH_HOST_H
#define KTSTR_BENCH_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* $KTSTR_QEMU, or qemu-system-x86_64 in $PATH: true with its path in out
 * when it is executable. */
bool bench_find_qemu(char *out, size_t len);

#endif
