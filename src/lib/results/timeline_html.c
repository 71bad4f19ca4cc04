/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page of the run's picture (<ktstr/timeline_html.h>): one HTML
 * document with inline CSS, a section per scenario (its header table and
 * the SVG of timeline_draw.c), a legend, written whole or not at all.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/timeline_html.h>

#include "timeline_svg.h"

static const char css[] =
    "body{font-family:sans-serif;margin:16px;color:#222;background:#fff}"
    "h1{font-size:18px;margin:0 0 12px}"
    "h2{font-size:16px;margin:20px 0 6px}"
    "section{border-top:1px solid #ccc;padding-top:4px}"
    "table.meta{border-collapse:collapse;font-size:13px;margin-bottom:6px}"
    "table.meta th{text-align:left;padding:1px 10px 1px 0;color:#555;"
    "font-weight:normal;vertical-align:top}"
    "table.meta td{padding:1px 0}"
    ".v{font-weight:bold;padding:1px 6px;border-radius:3px;color:#fff}"
    ".v-pass{background:#2e7d32}.v-skip{background:#757575}"
    ".v-inconclusive{background:#ef6c00}.v-fail{background:#b71c1c}"
    ".v-sched{background:#4a148c}.v-infra{background:#37474f}"
    ".legend{font-size:12px;color:#444}"
    ".sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;"
    "vertical-align:middle}"
    ".none{font-size:13px;color:#777}";

/* The first evidence: the first detail that is not a note, else the
 * first note; NULL when there is none. */
static const char *first_evidence(const struct kt_result *r)
{
	for (size_t i = 0; i < r->nr_details; i++)
		if (r->details[i].kind != KT_DETAIL_NOTE)
			return r->details[i].msg;
	return r->nr_details ? r->details[0].msg : NULL;
}

static void row(FILE *f, const char *key, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td>", key);
	kt_tl_escape(f, value && *value ? value : "-");
	fprintf(f, "</td></tr>\n");
}

static void meta(FILE *f, const struct kt_result *r)
{
	char line[160], caps[16];

	fprintf(f, "<table class=\"meta\">\n");
	fprintf(f,
		"<tr><th>verdict</th><td><span class=\"v v-%s\">%s</span>"
		"</td></tr>\n",
		kt_verdict_name(r->verdict),
		kt_tl_verdict_caps(r->verdict, caps, sizeof(caps)));
	row(f, "scheduler", r->scheduler);
	row(f, "topology", r->topo);
	snprintf(line, sizeof(line), "%.2f s, %zu judged worker(s)",
		 (double)r->duration_ns / 1e9, r->lanes.nr);
	row(f, "run", line);
	row(f, "first evidence", first_evidence(r));
	if (r->verdict == KT_VERDICT_SKIP)
		row(f, "skipped", r->skip_reason);
	if (r->host.measured) {
		snprintf(line, sizeof(line),
			 "vCPUs unavailable %.1f%% of the run, longest %.0f ms",
			 r->host.span_ns && r->host.cpus
			     ? 100.0 * (double)r->host.unavailable_ns /
				   ((double)r->host.span_ns * r->host.cpus)
			     : 0.0,
			 (double)r->host.longest_ns / 1e6);
		row(f, "host", line);
	}
	fprintf(f, "</table>\n");
}

static void legend(FILE *f)
{
	static const struct {
		const char *colour, *what;
	} keys[] = {
	    {KT_TL_ONCPU, "on-CPU share"},
	    {KT_TL_OFFCPU, "off-CPU"},
	    {KT_TL_GAP, "gap past the limit"},
	    {KT_TL_GAP_SHORT, "gap (no progress) within it"},
	    {KT_TL_HOST, "host stall"},
	    {KT_TL_STEP, "step"},
	    {KT_TL_SCHED, "scheduler gone"},
	    {KT_TL_VERDICT, "verdict"},
	};

	fprintf(f, "<p class=\"legend\">");
	for (size_t i = 0; i < KT_ARRAY_SIZE(keys); i++)
		fprintf(f,
			"<span class=\"sw\" style=\"background:%s\"></span>%s",
			keys[i].colour, keys[i].what);
	fprintf(f, "</p>\n");
}

static void section(FILE *f, const struct kt_result *r, size_t i)
{
	fprintf(f, "<section class=\"scenario\" id=\"scenario-%zu\">\n<h2>", i);
	kt_tl_escape(f, r->scenario ? r->scenario : "(unnamed)");
	fprintf(f, "</h2>\n");
	meta(f, r);
	if (r->lanes.recorded || r->lanes.nr)
		kt_tl_svg(f, r);
	else if (r->verdict == KT_VERDICT_SKIP)
		fprintf(f, "<p class=\"none\">no timeline: skipped</p>\n");
	else
		fprintf(f, "<p class=\"none\">no timeline: nothing was timed "
			   "(the scenario did not run, or ran outside the "
			   "runners)</p>\n");
	if (r->lanes.recorded && !r->lanes.nr)
		fprintf(f, "<p class=\"none\">no judged workers (the scenario "
			   "has no worker checks)</p>\n");
	fprintf(f, "</section>\n");
}

int kt_timeline_html_print(FILE *f, const char *title,
			   const struct kt_result *results, size_t nr)
{
	const char *t = title ? title : "ktstr run";

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		   "<meta charset=\"utf-8\">\n<title>");
	kt_tl_escape(f, t);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
	kt_tl_escape(f, t);
	fprintf(f, "</h1>\n");
	legend(f);
	for (size_t i = 0; i < nr; i++)
		section(f, &results[i], i);
	if (!nr)
		fprintf(f, "<p class=\"none\">no scenario ran</p>\n");
	fprintf(f, "</body>\n</html>\n");
	return ferror(f) ? -EIO : 0;
}

int kt_timeline_html_check_path(const char *path)
{
	char *dirc = strdup(path ? path : "");
	const char *dir;
	struct stat st;
	int err = 0;

	if (!dirc)
		return kt_err(ENOMEM, "--html: out of memory");
	dir = dirname(dirc);
	if (!path || !*path)
		err = kt_err(EINVAL, "--html: empty file name; name a file");
	else if (!stat(path, &st) && S_ISDIR(st.st_mode))
		err = kt_err(EISDIR, "--html %s: is a directory; name a file",
			     path);
	else if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		err = kt_err(ENOENT,
			     "--html %s: directory %s does not exist; create "
			     "it first",
			     path, dir);
	else if (access(dir, W_OK | X_OK))
		err = kt_err(EACCES, "--html %s: cannot write into %s: %s",
			     path, dir, strerror(errno));
	free(dirc);
	return err;
}

/* The page into a new temp file in dir; its name in tmp. */
static int write_temp(const char *dir, const char *title,
		      const struct kt_result *results, size_t nr, char *tmp,
		      size_t len)
{
	FILE *f;
	int fd, err;

	snprintf(tmp, len, "%s/.ktstr-html-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	err = kt_timeline_html_print(f, title, results, nr);
	if (!err && (fflush(f) || fsync(fd) || fchmod(fd, 0644)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int kt_timeline_html_write(const char *path, const char *title,
			   const struct kt_result *results, size_t nr)
{
	char *dirc = strdup(path), tmp[4096];
	int err;

	if (!dirc)
		return kt_err(ENOMEM, "write %s: out of memory", path);
	err = write_temp(dirname(dirc), title, results, nr, tmp, sizeof(tmp));
	free(dirc);
	if (!err && rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
	}
	if (err)
		return kt_err(-err, "write %s: %s", path, strerror(-err));
	return 0;
}
