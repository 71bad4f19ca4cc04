/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr kernel fetch`: download Debian's sched_ext-capable kernel package
 * through the machine's own apt mirror (a private sources file and lists
 * dir for the sid suite), unpack it, check it, and install vmlinuz, config,
 * btf and metadata.json atomically into the kernel cache.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/common.h>
#include <ktstr/kernel.h>

#include "core/small_file.h"
#include "bzimage.h"
#include "kernel_config.h"
#include "kernel_priv.h"

extern char **environ;

#define DEFAULT_META  "linux-image-cloud-amd64"
#define DEFAULT_SUITE "sid"
#define PATH_LEN      4096
#define MAX_PKGS      16

static volatile sig_atomic_t fetch_signal;

static void on_signal(int sig)
{
	fetch_signal = sig;
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

struct fetch {
	struct kt_kernel_fetch_opts *o;
	const char *suite, *meta;
	char root[PATH_LEN];
	char tmp[PATH_LEN];	   /* work dir: sources, lists, debs, x */
	char stage[PATH_LEN + 64]; /* <root>/kernels/.tmp-XXXXXX */
	char release[256];
	char version[128];
	char pkgs[MAX_PKGS][320];
	int npkgs;
	struct sigaction old[3];
};

static void progress(struct fetch *f, const char *fmt, ...) KT_PRINTF(2, 3);

static void progress(struct fetch *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->o->progress)
		return;
	fputs("kernel fetch: ", f->o->progress);
	va_start(ap, fmt);
	vfprintf(f->o->progress, fmt, ap);
	va_end(ap);
	fputc('\n', f->o->progress);
	fflush(f->o->progress);
}

static int interrupted(void)
{
	if (!fetch_signal)
		return 0;
	return kt_err(EINTR,
		      "kernel fetch: interrupted by %s; temp files "
		      "removed",
		      strsignal(fetch_signal));
}

static int fmt(char *buf, size_t len, const char *f, ...) KT_PRINTF(3, 4);

static int fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return kt_err(ENAMETOOLONG,
			      "kernel fetch: path too long: "
			      "%.200s",
			      buf);
	return 0;
}

static int mkdir_p(const char *path)
{
	char p[PATH_LEN];
	int err;

	err = fmt(p, sizeof(p), "%s", path);
	if (err)
		return err;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		goto fail;
	return 0;
fail:
	err = errno;
	return kt_err(err, "mkdir %s: %s", p, strerror(err));
}

/* Copy s into d (size n), truncating; no format-truncation warnings. */
static void scopy(char *d, size_t n, const char *s)
{
	size_t m = strnlen(s, n - 1);

	memcpy(d, s, m);
	d[m] = '\0';
}

/* The last lines of a log file (at most len-1 bytes), for error messages. */
static void log_tail(const char *log, char *out, size_t len)
{
	char buf[4096];
	size_t n, start;
	FILE *fp;

	out[0] = '\0';
	fp = fopen(log, "re");
	if (!fp)
		return;
	if (fseek(fp, 0, SEEK_END) == 0) {
		long size = ftell(fp);

		if (size > (long)(len - 1))
			fseek(fp, size - (long)(len - 1), SEEK_SET);
		else
			rewind(fp);
	}
	n = fread(buf, 1, sizeof(buf) - 1 < len - 1 ? sizeof(buf) - 1 : len - 1,
		  fp);
	fclose(fp);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	start = 0;
	if (n == len - 1) { /* cut: start at a line boundary */
		char *nl = strchr(buf, '\n');

		if (nl)
			start = (size_t)(nl + 1 - buf);
	}
	scopy(out, len, buf + start);
}

/* environ with LC_ALL=C first, so apt's output is not translated. */
static char **c_locale_env(void)
{
	size_t n = 0, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	env[j++] = "LC_ALL=C";
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LC_ALL=", 7) &&
		    strncmp(environ[i], "LANGUAGE=", 9))
			env[j++] = environ[i];
	return env;
}

/* "apt-cache show pkg" from argv: the program and its non-option words. */
static void describe(char *const argv[], char *buf, size_t len)
{
	size_t used = 0;
	int words = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && words < 4; i++) {
		int w;

		if (i && !strcmp(argv[i], "-o") && argv[i + 1]) {
			i++;
			continue;
		}
		if (i && argv[i][0] == '-')
			continue;
		w = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
			     argv[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		words++;
	}
}

/*
 * Run argv (PATH lookup) in cwd (NULL = ours) with stdout to out (NULL =
 * the log) and stderr to <tmp>/<name>.log. Fails with the log's tail.
 */
static int run(struct fetch *f, const char *name, char *const argv[],
	       const char *cwd, const char *out)
{
	posix_spawn_file_actions_t fa;
	char log[PATH_LEN + 64], tail[1200], desc[512];
	int err, status = 0;
	char **env;
	pid_t pid;

	err = interrupted();
	if (err)
		return err;
	err = fmt(log, sizeof(log), "%s/%s.log", f->tmp, name);
	if (err)
		return err;
	env = c_locale_env();
	if (!env)
		return kt_err(ENOMEM, "kernel fetch: %s: out of memory", name);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, log,
					 O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (out)
		posix_spawn_file_actions_addopen(
		    &fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	else
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (err)
		return kt_err(err, "kernel fetch: start %s: %s", argv[0],
			      strerror(err));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = errno;
			return kt_err(err, "kernel fetch: wait for %s: %s",
				      argv[0], strerror(err));
		}
		if (fetch_signal)
			kill(pid, SIGTERM);
	}
	err = interrupted();
	if (err)
		return err;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_tail(log, tail, sizeof(tail));
	describe(argv, desc, sizeof(desc));
	if (WIFEXITED(status))
		return kt_err(EIO, "kernel fetch: %s failed (exit %d): %s",
			      desc, WEXITSTATUS(status),
			      tail[0] ? tail : "no output");
	return kt_err(EIO, "kernel fetch: %s killed by %s: %s", desc,
		      strsignal(WTERMSIG(status)),
		      tail[0] ? tail : "no output");
}

/* ---- the machine's apt mirror ---- */

struct mirror {
	char uri[1024];
	char signed_by[8192]; /* a keyring path or an inline key block */
};

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

static bool stanza_ok(const struct stanza *s, struct mirror *m)
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

static bool parse_deb822(FILE *fp, struct mirror *m)
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
static bool parse_oneline(FILE *fp, struct mirror *m)
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

static int find_mirror(struct mirror *m)
{
	const char *etc = getenv("KTSTR_APT_ETC"); /* tests: a fake etc/apt */
	char pat[PATH_LEN];
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

/* ---- apt ---- */

static int write_sources(struct fetch *f, const struct mirror *m, char *path,
			 size_t len)
{
	FILE *fp;
	int err;

	err = fmt(path, len, "%s/%s.sources", f->tmp, f->suite);
	if (err)
		return err;
	fp = fopen(path, "wxe");
	if (!fp) {
		err = errno;
		return kt_err(err, "kernel fetch: write %s: %s", path,
			      strerror(err));
	}
	fprintf(fp, "Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n",
		m->uri, f->suite);
	if (m->signed_by[0])
		fprintf(fp, "Signed-By: %s\n", m->signed_by);
	if (fclose(fp) != 0) {
		err = errno;
		return kt_err(err, "kernel fetch: write %s: %s", path,
			      strerror(err));
	}
	return 0;
}

#define APT_OPTS 14

struct apt {
	char opt[7][PATH_LEN + 64];
	char *argv[APT_OPTS + MAX_PKGS + 8];
	int base;
};

static int apt_init(struct fetch *f, struct apt *a, const char *sources)
{
	int err = 0, i = 0;

	err |= fmt(a->opt[0], sizeof(a->opt[0]), "Dir::Etc::SourceList=%s",
		   sources);
	err |= fmt(a->opt[1], sizeof(a->opt[1]), "Dir::Etc::SourceParts=%s",
		   "/dev/null");
	err |= fmt(a->opt[2], sizeof(a->opt[2]), "Dir::State::Lists=%s/lists",
		   f->tmp);
	err |= fmt(a->opt[3], sizeof(a->opt[3]), "Dir::Cache::pkgcache=");
	err |= fmt(a->opt[4], sizeof(a->opt[4]), "Dir::Cache::srcpkgcache=");
	/*
	 * Mirrors that serve a frozen snapshot carry sid Release files past
	 * their Valid-Until date; the signature (Signed-By) is still checked.
	 */
	err |= fmt(a->opt[5], sizeof(a->opt[5]),
		   "Acquire::Check-Valid-Until=false");
	err |= fmt(a->opt[6], sizeof(a->opt[6]), "APT::Sandbox::User=root");
	if (err)
		return -ENAMETOOLONG;
	a->argv[i++] = NULL; /* program */
	for (int j = 0; j < 7; j++) {
		if (j == 6 && geteuid() != 0)
			break; /* only root has a sandbox user to drop to */
		a->argv[i++] = "-o";
		a->argv[i++] = a->opt[j];
	}
	a->base = i;
	return 0;
}

/* argv = prog <apt options> args... NULL */
static char **apt_argv(struct apt *a, const char *prog, const char *const *args)
{
	int i = a->base;

	a->argv[0] = (char *)prog;
	for (; *args && i < (int)KT_ARRAY_SIZE(a->argv) - 1; args++)
		a->argv[i++] = (char *)*args;
	a->argv[i] = NULL;
	return a->argv;
}

/* Name of a dependency: "foo (>= 1) | bar" -> "foo". */
static void dep_name(const char *dep, char *out, size_t len)
{
	size_t n;

	dep += strspn(dep, " \t\n");
	n = strcspn(dep, " \t\n(|:,");
	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), dep);
}

/*
 * Read `apt-cache show --no-all-versions` output: the Version and the
 * Depends entries (first alternative of each) of the first record.
 */
static int read_show(const char *path, char *version, size_t vlen,
		     char deps[][320], int max, int *ndeps)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	*ndeps = 0;
	fp = fopen(path, "re");
	if (!fp)
		return kt_err(errno, "kernel fetch: read %s: %s", path,
			      strerror(errno));
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!n)
			break; /* end of the first record */
		if (!strncmp(line, "Version: ", 9) && version)
			snprintf(version, vlen, "%s", line + 9);
		if (strncmp(line, "Depends: ", 9) &&
		    strncmp(line, "Pre-Depends: ", 13))
			continue;
		char *save, *tok = strchr(line, ':') + 1;

		for (tok = strtok_r(tok, ",", &save); tok && *ndeps < max;
		     tok = strtok_r(NULL, ",", &save))
			dep_name(tok, deps[(*ndeps)++], 320);
	}
	free(line);
	fclose(fp);
	return 0;
}

static int apt_show(struct fetch *f, struct apt *a, const char *pkg,
		    char *version, size_t vlen, char deps[][320], int max,
		    int *ndeps)
{
	const char *args[] = {"show", "--no-all-versions", pkg, NULL};
	char out[PATH_LEN + 64], name[400];
	int err;

	err = fmt(out, sizeof(out), "%s/show-%s.txt", f->tmp, pkg);
	err = err ?: fmt(name, sizeof(name), "apt-cache-%s", pkg);
	if (err)
		return err;
	err = run(f, name, apt_argv(a, "apt-cache", args), NULL, out);
	if (err)
		return err;
	return read_show(out, version, vlen, deps, max, ndeps);
}

static int resolve_packages(struct fetch *f, struct apt *a)
{
	char deps[64][320], image[320];
	size_t rl;
	int n, err;

	err = apt_show(f, a, f->meta, NULL, 0, deps, 64, &n);
	if (err == -EIO) {
		/* Usually the update could not reach the mirror: say so. */
		char log[PATH_LEN + 32], tail[800];
		struct kt_err_saved why;

		kt_err_save(&why);
		fmt(log, sizeof(log), "%s/apt-get-update.log", f->tmp);
		log_tail(log, tail, sizeof(tail));
		if (tail[0])
			return kt_err(EIO, "%s; apt-get update said: %s",
				      why.msg, tail);
		kt_err_restore(&why);
	}
	if (err)
		return err;
	image[0] = '\0';
	for (int i = 0; i < n && !image[0]; i++)
		if (!strncmp(deps[i], "linux-image-", 12))
			scopy(image, sizeof(image), deps[i]);
	if (!image[0])
		return kt_err(ENOENT,
			      "kernel fetch: %s in %s depends on no "
			      "linux-image-<release> package",
			      f->meta, f->suite);
	scopy(f->release, sizeof(f->release), image + 12);
	snprintf(f->pkgs[f->npkgs++], sizeof(f->pkgs[0]), "%s", image);
	err =
	    apt_show(f, a, image, f->version, sizeof(f->version), deps, 64, &n);
	if (err)
		return err;
	/*
	 * linux-binary-<release> (vmlinuz) and linux-base-<release> (config)
	 * in the newer packaging; older ones ship both in linux-image.
	 */
	rl = strlen(f->release);
	for (int i = 0; i < n && f->npkgs < MAX_PKGS; i++) {
		size_t dl = strlen(deps[i]);

		if ((strncmp(deps[i], "linux-binary-", 13) &&
		     strncmp(deps[i], "linux-base-", 11)) ||
		    dl <= rl + 1)
			continue; /* modules, headers: not needed */
		if (deps[i][dl - rl - 1] == '-' &&
		    !strcmp(deps[i] + dl - rl, f->release))
			snprintf(f->pkgs[f->npkgs++], sizeof(f->pkgs[0]), "%s",
				 deps[i]);
	}
	return 0;
}

static int download_and_unpack(struct fetch *f, struct apt *a)
{
	const char *args[MAX_PKGS + 2] = {"download"};
	char debs[PATH_LEN + 16], x[PATH_LEN + 16], pat[PATH_LEN + 32];
	glob_t g;
	int err;

	err = fmt(debs, sizeof(debs), "%s/debs", f->tmp);
	err = err ?: fmt(x, sizeof(x), "%s/x", f->tmp);
	if (err)
		return err;
	if (mkdir(debs, 0755) < 0 || mkdir(x, 0755) < 0)
		return kt_err(errno, "kernel fetch: mkdir in %s: %s", f->tmp,
			      strerror(errno));
	for (int i = 0; i < f->npkgs; i++)
		args[i + 1] = f->pkgs[i];
	args[f->npkgs + 1] = NULL;
	err = run(f, "apt-get-download", apt_argv(a, "apt-get", args), debs,
		  NULL);
	if (err)
		return err;
	snprintf(pat, sizeof(pat), "%s/*.deb", debs);
	if (glob(pat, 0, NULL, &g) != 0)
		return kt_err(ENOENT,
			      "kernel fetch: apt-get download left no "
			      ".deb in %s",
			      debs);
	for (size_t i = 0; i < g.gl_pathc && !err; i++) {
		char *argv[] = {"dpkg-deb", "-x", g.gl_pathv[i], x, NULL};

		err = run(f, "dpkg-deb", argv, NULL, NULL);
	}
	globfree(&g);
	return err;
}

/* The first of two candidate paths (under <tmp>/x) that exists. */
static int pick(struct fetch *f, const char *what, const char *a, const char *b,
		char *out, size_t len)
{
	int err;

	err = fmt(out, len, "%s/x/%s", f->tmp, a);
	if (err || !access(out, F_OK))
		return err;
	err = fmt(out, len, "%s/x/%s", f->tmp, b);
	if (err || !access(out, F_OK))
		return err;
	return kt_err(ENOENT,
		      "kernel fetch: the %s packages hold no %s (looked for "
		      "%s and %s)",
		      f->release, what, a, b);
}

static int copy_file(const char *src, const char *dst)
{
	char buf[1 << 16];
	int in, out, err = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return kt_err(errno, "copy %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		err = errno;
		close(in);
		return kt_err(err, "copy to %s: %s", dst, strerror(err));
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n) {
			err = errno ? errno : EIO;
			break;
		}
	}
	if (!err && fsync(out) < 0)
		err = errno;
	close(in);
	if (close(out) < 0 && !err)
		err = errno;
	if (err)
		return kt_err(err, "copy %s to %s: %s", src, dst,
			      strerror(err));
	return 0;
}

static int write_metadata(struct fetch *f, const char *path)
{
	char when[32], source[64];
	time_t now = time(NULL);
	struct tm tm;
	json_t *j;
	int rc;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(source, sizeof(source), "debian-%s", f->suite);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "release", f->release,
		      "source", source, "fetched_at", when, "package",
		      f->pkgs[0], "version", f->version);
	if (!j)
		return kt_err(ENOMEM, "kernel fetch: metadata: out of memory");
	rc = json_dump_file(j, path, JSON_INDENT(2));
	json_decref(j);
	if (rc)
		return kt_err(EIO, "kernel fetch: write %s failed", path);
	return 0;
}

static int check_entry(const char *dir)
{
	char why[256];

	return kt_kernel_entry_check(dir, true, why, sizeof(why));
}

/* Build the entry in <root>/kernels/.tmp-XXXXXX and rename it into place. */
static int install(struct fetch *f, const char *vmlinuz, const char *config)
{
	char kdir[PATH_LEN + 16], final[PATH_LEN + 300], p[PATH_LEN + 128];
	char old[PATH_LEN + 64];
	FILE *fp;
	int err;

	err = fmt(kdir, sizeof(kdir), "%s/kernels", f->root);
	err = err ?: fmt(final, sizeof(final), "%s/%s", kdir, f->release);
	err = err
		  ?: fmt(f->stage, sizeof(f->stage), "%s/%sXXXXXX", kdir,
			 KT_KERNEL_TMP_PREFIX);
	err = err ?: mkdir_p(kdir);
	if (err)
		return err;
	if (!mkdtemp(f->stage)) {
		err = errno;
		f->stage[0] = '\0';
		return kt_err(err, "kernel fetch: mkdtemp in %s: %s", kdir,
			      strerror(err));
	}
	chmod(f->stage, 0755);
	fmt(p, sizeof(p), "%s/%s", f->stage, KT_KERNEL_TMP_OWNER);
	fp = fopen(p, "we");
	if (fp) {
		fprintf(fp, "%ld\n", (long)getpid());
		fclose(fp);
	}
	fmt(p, sizeof(p), "%s/vmlinuz", f->stage);
	err = copy_file(vmlinuz, p);
	if (!err) {
		fmt(p, sizeof(p), "%s/config", f->stage);
		err = copy_file(config, p);
	}
	if (!err) {
		progress(f, "extracting BTF from the vmlinux in %s", vmlinuz);
		fmt(p, sizeof(p), "%s/btf", f->stage);
		err = kt_bzimage_extract_btf(vmlinuz, p);
	}
	if (!err) {
		fmt(p, sizeof(p), "%s/metadata.json", f->stage);
		err = write_metadata(f, p);
	}
	err = err ?: interrupted();
	if (err)
		return err;
	fmt(p, sizeof(p), "%s/%s", f->stage, KT_KERNEL_TMP_OWNER);
	unlink(p);
	if (!access(final, F_OK)) {
		if (check_entry(final) == 0)
			return 0; /* a parallel fetch won; keep it */
		/* An incomplete or corrupt entry: move it aside first. */
		err = fmt(old, sizeof(old), "%s/%sXXXXXX", kdir,
			  KT_KERNEL_TMP_PREFIX);
		if (err)
			return err;
		if (!mkdtemp(old) || rename(final, old) < 0) {
			err = errno;
			return kt_err(err, "kernel fetch: replace %s: %s",
				      final, strerror(err));
		}
		kt_kernel_rmtree(old);
	}
	if (rename(f->stage, final) < 0) {
		err = errno;
		if ((err == ENOTEMPTY || err == EEXIST) &&
		    check_entry(final) == 0)
			return 0;
		return kt_err(err, "kernel fetch: rename %s to %s: %s",
			      f->stage, final, strerror(err));
	}
	f->stage[0] = '\0';
	return 0;
}

static int fetch(struct fetch *f)
{
	char sources[PATH_LEN + 64], lists[PATH_LEN + 32],
	    final[PATH_LEN + 300];
	char vmlinuz[PATH_LEN + 256], config[PATH_LEN + 256];
	char a1[512], a2[512];
	struct kt_bzimage_info info;
	struct mirror m;
	struct apt a;
	int err;

	err = find_mirror(&m);
	if (err)
		return err;
	err = write_sources(f, &m, sources, sizeof(sources));
	err = err ?: fmt(lists, sizeof(lists), "%s/lists/partial", f->tmp);
	err = err ?: mkdir_p(lists);
	err = err ?: apt_init(f, &a, sources);
	if (err)
		return err;
	progress(f,
		 "updating the %s package lists from the apt mirror of this "
		 "machine",
		 f->suite);
	{
		const char *args[] = {"-q", "-q", "update", NULL};

		err = run(f, "apt-get-update", apt_argv(&a, "apt-get", args),
			  NULL, NULL);
		if (err)
			return err;
	}
	err = resolve_packages(f, &a);
	if (err)
		return err;
	progress(f, "%s -> linux-image-%s (%s)", f->meta, f->release,
		 f->version[0] ? f->version : "unknown version");
	err = fmt(final, sizeof(final), "%s/kernels/%s", f->root, f->release);
	if (err)
		return err;
	if (check_entry(final) == 0) {
		f->o->already_cached = true;
		progress(f, "%s is already cached in %s", f->release, final);
		return 0;
	}
	{
		char names[MAX_PKGS * 80] = "";
		size_t used = 0;

		for (int i = 0; i < f->npkgs && used < sizeof(names); i++) {
			int w = snprintf(names + used, sizeof(names) - used,
					 "%s%s", i ? " " : "", f->pkgs[i]);

			used += w > 0 ? (size_t)w : 0;
		}
		progress(f, "downloading %s", names);
	}
	err = download_and_unpack(f, &a);
	if (err)
		return err;
	snprintf(a1, sizeof(a1), "usr/lib/modules/%s/vmlinuz", f->release);
	snprintf(a2, sizeof(a2), "boot/vmlinuz-%s", f->release);
	err = pick(f, "vmlinuz", a1, a2, vmlinuz, sizeof(vmlinuz));
	if (err)
		return err;
	snprintf(a1, sizeof(a1), "usr/lib/modules/%s/config", f->release);
	snprintf(a2, sizeof(a2), "boot/config-%s", f->release);
	err = pick(f, "config", a1, a2, config, sizeof(config));
	err = err ?: kt_kernel_config_check_scx(config);
	err = err ?: kt_bzimage_probe(vmlinuz, &info);
	if (err)
		return err;
	if (info.release[0] && strcmp(info.release, f->release))
		return kt_err(EINVAL,
			      "kernel fetch: %s reports release %s, but the "
			      "package is for %s",
			      vmlinuz, info.release, f->release);
	progress(f, "installing into %s", final);
	return install(f, vmlinuz, config);
}

int kt_kernel_fetch_ex(struct kt_kernel_fetch_opts *opts, char **release)
{
	struct sigaction sa = {.sa_handler = on_signal};
	const char *tmpdir = getenv("TMPDIR");
	struct fetch *f;
	int err;

	if (release)
		*release = NULL;
	opts->already_cached = false;
	f = calloc(1, sizeof(*f));
	if (!f)
		return kt_err(ENOMEM, "kernel fetch: out of memory");
	f->o = opts;
	f->meta = opts->metapackage ? opts->metapackage : DEFAULT_META;
	f->suite = opts->suite ? opts->suite : DEFAULT_SUITE;
	if (opts->cache_root)
		err = fmt(f->root, sizeof(f->root), "%s", opts->cache_root);
	else
		err = kt_kernel_cache_root(f->root, sizeof(f->root));
	if (!err)
		err = fmt(f->tmp, sizeof(f->tmp), "%s/ktstr-kernel-XXXXXX",
			  tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (err) {
		free(f);
		return err;
	}
	if (!mkdtemp(f->tmp)) {
		err = errno;
		err = kt_err(err, "kernel fetch: mkdtemp %s: %s", f->tmp,
			     strerror(err));
		free(f);
		return err;
	}
	/* Signals only set a flag; every step checks it and unwinds here. */
	fetch_signal = 0;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < KT_ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &sa, &f->old[i]);

	err = fetch(f);
	if (!err && release) {
		*release = strdup(f->release);
		if (!*release)
			err = kt_err(ENOMEM, "kernel fetch: out of memory");
	}

	if (f->stage[0])
		kt_kernel_rmtree(f->stage);
	kt_kernel_rmtree(f->tmp);
	for (size_t i = 0; i < KT_ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &f->old[i], NULL);
	if (!err && fetch_signal)
		err = interrupted();
	free(f);
	return err;
}

int kt_kernel_fetch(const char *cache_root, char **release)
{
	struct kt_kernel_fetch_opts o = {.cache_root = cache_root};

	return kt_kernel_fetch_ex(&o, release);
}
