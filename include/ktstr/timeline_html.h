/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The picture of a run (docs/timeline.md): one self-contained HTML page
 * (inline CSS and SVG, no script, nothing fetched) with a section per
 * scenario: a header (scenario, scheduler, topology, verdict, the first
 * evidence) and a timeline with one lane per judged worker (its on-CPU
 * share over time, its gaps in red) under markers for the steps, the
 * host stalls, the scheduler's end and the verdict moment. It draws the
 * "lanes" a result carries (struct kt_lanes in <ktstr/result.h>).
 */
#ifndef KTSTR_TIMELINE_HTML_H
#define KTSTR_TIMELINE_HTML_H

#include <stddef.h>
#include <stdio.h>

#include <ktstr/result.h>

/* The page for results[0..nr) into f, under title (NULL: "ktstr run").
 * 0, or -EIO when f failed. */
int kt_timeline_html_print(FILE *f, const char *title,
			   const struct kt_result *results, size_t nr);

/*
 * Is path a place the page can go: not a directory, in an existing
 * directory we may write? 0 or -errno with a message naming path (for
 * the CLI's check before anything runs).
 */
int kt_timeline_html_check_path(const char *path);

/* The page into path, whole or not at all: a temp file beside it, then
 * renamed over it. 0 or -errno with a message naming path. */
int kt_timeline_html_write(const char *path, const char *title,
			   const struct kt_result *results, size_t nr);

#endif
