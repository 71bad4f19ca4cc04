/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `--html FILE` of ktstr vm and ktstr run (html_out.c): the path checked
 * before anything boots or runs, the page of the run's picture
 * (<ktstr/timeline_html.h>) written after it.
 */
#ifndef KTSTR_CLI_HTML_OUT_H
#define KTSTR_CLI_HTML_OUT_H

#include <stddef.h>

#include <ktstr/result.h>

/* 0 when path (NULL: no --html) can take the page, else the usage error
 * printed and KT_EXIT_USAGE. */
int kt_cli_html_check(const char *cmd, const char *path);
/* Write the page (nothing when path is NULL); prints where it went or
 * why not; 0 or -errno. */
int kt_cli_html_write(const char *cmd, const char *path, const char *title,
		      const struct kt_result *results, size_t nr, bool quiet);

#endif
