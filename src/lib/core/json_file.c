/* SPDX-License-Identifier: GPL-2.0-only */
/* Whole-or-nothing JSON files (json_file.h). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "core/json_file.h"

int kt_json_write_temp(const char *dir, const char *prefix, json_t *j,
		       char *tmp, size_t len)
{
	int fd, err = 0;

	snprintf(tmp, len, "%s/%sXXXXXX", dir, prefix);
	fd = mkstemp(tmp);
	if (fd < 0)
		return kt_err(errno, "write %s: %s", tmp, strerror(errno));
	if (json_dumpfd(j, fd, JSON_INDENT(2) | JSON_SORT_KEYS) ||
	    write(fd, "\n", 1) != 1 || fsync(fd) || fchmod(fd, 0644))
		err = kt_err(EIO, "write %s: %s", tmp,
			     errno ? strerror(errno) : "failed");
	if (close(fd) && !err)
		err = kt_err(errno, "write %s: %s", tmp, strerror(errno));
	if (err)
		unlink(tmp);
	return err;
}

int kt_json_write_file(const char *path, json_t *j)
{
	char *dirc = strdup(path), tmp[4096];
	int err;

	if (!dirc)
		return kt_err(ENOMEM, "write %s: out of memory", path);
	err = kt_json_write_temp(dirname(dirc), ".ktstr-json-", j, tmp,
				 sizeof(tmp));
	free(dirc);
	if (err) /* name the file asked for, not the temp beside it */
		return kt_err(-err, "write %s: %s", path, strerror(-err));
	if (rename(tmp, path)) {
		err = errno;
		unlink(tmp);
		return kt_err(err, "write %s: %s", path, strerror(err));
	}
	return 0;
}
