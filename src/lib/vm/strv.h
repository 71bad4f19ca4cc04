/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building a kt_strv (the string list of <ktstr/vm.h>): QEMU's argv, the
 * library paths of an ELF closure, the lists of a kt_vm_result.
 */
#ifndef KTSTR_VM_STRV_H
#define KTSTR_VM_STRV_H

#include <ktstr/common.h>
#include <ktstr/vm.h>

int kt_strv_push(struct kt_strv *sv, const char *s);
int kt_strv_pushf(struct kt_strv *sv, const char *fmt, ...) KT_PRINTF(2, 3);
bool kt_strv_contains(const struct kt_strv *sv, const char *s);
void kt_strv_free(struct kt_strv *sv); /* frees the strings; sv reusable */

#endif
