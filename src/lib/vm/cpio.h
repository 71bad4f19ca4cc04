/* SPDX-License-Identifier: GPL-2.0-only */
/* A cpio newc archive writer, for the initramfs (cpio.c). */
#ifndef KTSTR_VM_CPIO_H
#define KTSTR_VM_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct kt_cpio;

/* Write an archive to f (not closed by the writer). Names are stored
 * without the leading '/'; missing parent directories are added (0755). */
int kt_cpio_new(FILE *f, struct kt_cpio **out);
int kt_cpio_dir(struct kt_cpio *c, const char *path, mode_t perm);
int kt_cpio_file(struct kt_cpio *c, const char *path, mode_t perm,
		 const void *data, size_t len);
/* Copy the file at src (symlinks followed); perm 0 = the source's. */
int kt_cpio_file_from_path(struct kt_cpio *c, const char *path, mode_t perm,
			   const char *src);
int kt_cpio_symlink(struct kt_cpio *c, const char *path, const char *target);
/* type is S_IFCHR or S_IFBLK */
int kt_cpio_node(struct kt_cpio *c, const char *path, mode_t type, mode_t perm,
		 unsigned major, unsigned minor);
bool kt_cpio_has(const struct kt_cpio *c, const char *path);
/* Write the TRAILER!!! entry and flush; the writer is freed either way. */
int kt_cpio_finish(struct kt_cpio *c);
void kt_cpio_free(struct kt_cpio *c); /* abandon without a trailer */

#endif
