/* SPDX-License-Identifier: GPL-2.0-only */
/* `--html FILE`: the run's picture as one HTML page (html_out.h). */
#include <stdio.h>

#include <ktstr/timeline_html.h>

#include "cli_util.h"
#include "html_out.h"

int kt_cli_html_check(const char *cmd, const char *path)
{
	if (!path || !kt_timeline_html_check_path(path))
		return 0;
	return kt_cli_usage_error(cmd, "%s", kt_last_error());
}

int kt_cli_html_write(const char *cmd, const char *path, const char *title,
		      const struct kt_result *results, size_t nr, bool quiet)
{
	int err;

	if (!path)
		return 0;
	err = kt_timeline_html_write(path, title, results, nr);
	if (err)
		fprintf(stderr, "ktstr %s: --html: %s\n", cmd, kt_last_error());
	else if (!quiet)
		fprintf(stderr, "ktstr %s: timeline %s\n", cmd, path);
	return err;
}
