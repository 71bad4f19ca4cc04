/* SPDX-License-Identifier: GPL-2.0-only */
/* The shared-library closure of an ELF binary (elf_deps.c). */
#ifndef KTSTR_VM_ELF_DEPS_H
#define KTSTR_VM_ELF_DEPS_H

#include <ktstr/vm.h>

/*
 * The files the dynamic loader needs to start the ELF binary at path:
 * its PT_INTERP and every DT_NEEDED library, recursively, resolved like
 * ld.so (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH with $ORIGIN, then the
 * default directories). Absolute paths are appended to out (no
 * duplicates); a static binary appends nothing. An unresolvable library
 * is -ENOENT naming it; a non-ELF file is -ENOEXEC.
 */
int kt_elf_closure(const char *path, struct kt_strv *out);

#endif
