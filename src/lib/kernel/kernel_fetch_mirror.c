/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine's own Debian mirror for a kernel fetch: the first `deb`
 * source of a main-archive suite (not -security, -updates...) in
 * sources.list (one-line format) or sources.list.d/ (*.list, deb822
 * *.sources), with its Signed-By key, so the fetch trusts what apt does.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/small_file.h"
#include "kernel_fetch.h"

/* A main-archive suite: "bookworm", "sid", "stable"; not "x-security". */
static bool main_suite(const char *s, size_t n)
{
	return n && !memchr(s, '-', n) && !memchr(s, '/', n);
}

static bool has_main_suite(const char *list)
{
	const char *s = list;

	while (*s) {
		size_t n;

		s += strspn(s, " \t\n");
		n = strcspn(s, " \t\n");
		if (main_suite(s, n))
			return true;
		s += n;
	}
	return false;
}

struct stanza {
	char types[256], uris[1024], suites[512], enabled[16];
	char signed_by[8192];
	char *last; /* field continuation lines append here */
	size_t last_len;
};

static bool stanza_ok(const struct stanza *s, struct kt_apt_mirror *m)
{
	size_t n;

	if (!s->uris[0] || !kt_has_word(s->types, "deb") ||
	    !has_main_suite(s->suites) || !strcmp(s->enabled, "no"))
		return false;
	n = strcspn(s->uris, " \t\n");
	if (!n || n >= sizeof(m->uri) || !strncmp(s->uris, "cdrom:", 6))
		return false;
	memcpy(m->uri, s->uris, n);
	m->uri[n] = '\0';
	snprintf(m->signed_by, sizeof(m->signed_by), "%s", s->signed_by);
	return true;
}

static void set_field(struct stanza *s, char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
	s->last = dst;
	s->last_len = len;
}

static bool parse_deb822(FILE *fp, struct kt_apt_mirror *m)
{
	struct stanza s = {0};
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	ssize_t n;

	while (!found) {
		n = getline(&line, &cap, fp);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n < 0 || !line[strspn(line, " \t")]) {
			/* blank line or EOF ends a stanza */
			if (stanza_ok(&s, m))
				found = true;
			memset(&s, 0, sizeof(s));
			if (n < 0)
				break;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			if (s.last) {
				size_t used = strlen(s.last);

				snprintf(s.last + used, s.last_len - used,
					 "\n%s", line);
			}
			continue;
		}
		char *colon = strchr(line, ':');

		s.last = NULL;
		if (!colon)
			continue;
		*colon = '\0';
		char *v = colon + 1 + strspn(colon + 1, " \t");

		if (!strcasecmp(line, "Types"))
			set_field(&s, s.types, sizeof(s.types), v);
		else if (!strcasecmp(line, "URIs"))
			set_field(&s, s.uris, sizeof(s.uris), v);
		else if (!strcasecmp(line, "Suites"))
			set_field(&s, s.suites, sizeof(s.suites), v);
		else if (!strcasecmp(line, "Enabled"))
			set_field(&s, s.enabled, sizeof(s.enabled), v);
		else if (!strcasecmp(line, "Signed-By"))
			set_field(&s, s.signed_by, sizeof(s.signed_by), v);
	}
	free(line);
	return found;
}

/* One-line format: deb [opt=val ...] URI SUITE COMPONENTS... */
static bool parse_oneline(FILE *fp, struct kt_apt_mirror *m)
{
	char *line = NULL, *save, *tok;
	size_t cap = 0;
	bool found = false;

	while (!found && getline(&line, &cap, fp) > 0) {
		char signed_by[1024] = "";

		line[strcspn(line, "#\n")] = '\0';
		tok = strtok_r(line, " \t", &save);
		if (!tok || strcmp(tok, "deb"))
			continue;
		tok = strtok_r(NULL, " \t", &save);
		if (tok && tok[0] == '[') {
			/* options up to the closing bracket */
			for (; tok; tok = strtok_r(NULL, " \t", &save)) {
				char *o = tok + (tok[0] == '[');
				bool end = o[strlen(o) - 1] == ']';

				if (end)
					o[strlen(o) - 1] = '\0';
				if (!strncmp(o, "signed-by=", 10))
					snprintf(signed_by, sizeof(signed_by),
						 "%s", o + 10);
				if (end)
					break;
			}
			tok = tok ? strtok_r(NULL, " \t", &save) : NULL;
		}
		char *uri = tok, *suite = strtok_r(NULL, " \t", &save);

		if (!uri || !suite || !main_suite(suite, strlen(suite)) ||
		    !strncmp(uri, "cdrom:", 6) || strlen(uri) >= sizeof(m->uri))
			continue;
		snprintf(m->uri, sizeof(m->uri), "%s", uri);
		snprintf(m->signed_by, sizeof(m->signed_by), "%s", signed_by);
		found = true;
	}
	free(line);
	return found;
}

int kt_fetch_find_mirror(struct kt_apt_mirror *m)
{
	const char *etc = getenv("KTSTR_APT_ETC"); /* tests: a fake etc/apt */
	char pat[KT_FETCH_PATH_LEN];
	glob_t g;
	bool found = false;
	FILE *fp;

	if (!etc || !*etc)
		etc = "/etc/apt";
	memset(m, 0, sizeof(*m));
	snprintf(pat, sizeof(pat), "%s/sources.list", etc);
	fp = fopen(pat, "re");
	if (fp) {
		found = parse_oneline(fp, m);
		fclose(fp);
	}
	snprintf(pat, sizeof(pat), "%s/sources.list.d/*", etc);
	if (!found && glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; !found && i < g.gl_pathc; i++) {
			const char *p = g.gl_pathv[i];
			size_t l = strlen(p);
			bool d822 = l > 8 && !strcmp(p + l - 8, ".sources");
			bool one = l > 5 && !strcmp(p + l - 5, ".list");

			if (!d822 && !one)
				continue;
			fp = fopen(p, "re");
			if (!fp)
				continue;
			found =
			    d822 ? parse_deb822(fp, m) : parse_oneline(fp, m);
			fclose(fp);
		}
		globfree(&g);
	}
	if (!found)
		return kt_err(ENOENT,
			      "kernel fetch: no Debian main-archive mirror in "
			      "%s/sources.list or %s/sources.list.d/ (need a "
			      "`deb` source for a suite such as bookworm)",
			      etc, etc);
	return 0;
}
