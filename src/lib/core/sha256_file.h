/* SPDX-License-Identifier: GPL-2.0-only */
/* The sha256 of a file (nettle), as lowercase hex: how a sidecar names
 * the exact kernel image and scheduler binary a run used. */
#ifndef KTSTR_SHA256_FILE_H
#define KTSTR_SHA256_FILE_H

#include <stddef.h>

#define KT_SHA256_HEX_LEN 65 /* 64 hex digits + NUL */

/* hex = sha256 of path's contents; 0, or -errno with a message naming
 * the file. */
int kt_sha256_file(const char *path, char hex[KT_SHA256_HEX_LEN]);

#endif
