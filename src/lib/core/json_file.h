/* SPDX-License-Identifier: GPL-2.0-only */
/* Writing a JSON document to a file so that no reader ever sees half of
 * it: a temp file in the target's directory, then rename or link. */
#ifndef KTSTR_JSON_FILE_H
#define KTSTR_JSON_FILE_H

#include <stddef.h>

#include <jansson.h>

/* j (indented, sorted keys, a final newline, mode 0644, fsynced) into a
 * new file DIR/PREFIXxxxxxx; tmp gets its path. 0, or -errno with a
 * message naming the file (nothing left behind). */
int kt_json_write_temp(const char *dir, const char *prefix, json_t *j,
		       char *tmp, size_t len);
/* Replace path with j atomically (kt_json_write_temp beside it, then
 * rename). 0, or -errno with a message "write PATH: why". */
int kt_json_write_file(const char *path, json_t *j);

#endif
