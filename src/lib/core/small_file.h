/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small text files of the kernel's pseudo file systems (sysfs, procfs,
 * cgroupfs): read one whole into a buffer, look a word up in the word
 * lists they hold ("cpuset cpu io" in cgroup.controllers).
 */
#ifndef KTSTR_SMALL_FILE_H
#define KTSTR_SMALL_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* Read at most len - 1 bytes of path into buf, NUL-terminated; 0 or
 * -errno (buf untouched then). */
int kt_read_small(const char *path, char *buf, size_t len);
/* Read all of path into a malloc'd NUL-terminated buffer (for files of
 * any size, e.g. cgroup.procs); 0 or -errno, no message. */
int kt_read_all(const char *path, char **out);
/* Whether word is one of the space-, tab- or newline-separated words of
 * list. */
bool kt_has_word(const char *list, const char *word);

#endif
