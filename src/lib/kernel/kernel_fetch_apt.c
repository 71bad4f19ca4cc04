/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A private apt for a kernel fetch: a sources file for one suite of the
 * machine's mirror and a lists dir in the fetch's temp dir (the system's
 * apt state is never touched), `apt-get update`, the packages behind the
 * metapackage (apt-cache show: linux-image-<release>, and in the newer
 * packaging linux-binary-/linux-base-<release>), download and unpack.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_fetch.h"

static int write_sources(struct kt_fetch *f, const struct kt_apt_mirror *m,
			 char *path, size_t len)
{
	FILE *fp;
	int err;

	err = kt_fetch_fmt(path, len, "%s/%s.sources", f->tmp, f->suite);
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

static int apt_init(struct kt_fetch *f, struct kt_apt *a, const char *sources)
{
	int err = 0, i = 0;

	err |= kt_fetch_fmt(a->opt[0], sizeof(a->opt[0]),
			    "Dir::Etc::SourceList=%s", sources);
	err |= kt_fetch_fmt(a->opt[1], sizeof(a->opt[1]),
			    "Dir::Etc::SourceParts=%s", "/dev/null");
	err |= kt_fetch_fmt(a->opt[2], sizeof(a->opt[2]),
			    "Dir::State::Lists=%s/lists", f->tmp);
	err |=
	    kt_fetch_fmt(a->opt[3], sizeof(a->opt[3]), "Dir::Cache::pkgcache=");
	err |= kt_fetch_fmt(a->opt[4], sizeof(a->opt[4]),
			    "Dir::Cache::srcpkgcache=");
	/*
	 * Mirrors that serve a frozen snapshot carry sid Release files past
	 * their Valid-Until date; the signature (Signed-By) is still checked.
	 */
	err |= kt_fetch_fmt(a->opt[5], sizeof(a->opt[5]),
			    "Acquire::Check-Valid-Until=false");
	err |= kt_fetch_fmt(a->opt[6], sizeof(a->opt[6]),
			    "APT::Sandbox::User=root");
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
static char **apt_argv(struct kt_apt *a, const char *prog,
		       const char *const *args)
{
	int i = a->base;

	a->argv[0] = (char *)prog;
	for (; *args && i < (int)KT_ARRAY_SIZE(a->argv) - 1; args++)
		a->argv[i++] = (char *)*args;
	a->argv[i] = NULL;
	return a->argv;
}

/* A sources file for the suite on the mirror and a lists dir, in tmp. */
int kt_fetch_apt_setup(struct kt_fetch *f, const struct kt_apt_mirror *m,
		       struct kt_apt *a)
{
	char sources[KT_FETCH_PATH_LEN + 64], lists[KT_FETCH_PATH_LEN + 32];
	int err;

	err = write_sources(f, m, sources, sizeof(sources));
	err = err
		  ?: kt_fetch_fmt(lists, sizeof(lists), "%s/lists/partial",
				  f->tmp);
	err = err ?: kt_fetch_mkdir_p(lists);
	return err ?: apt_init(f, a, sources);
}

int kt_fetch_apt_update(struct kt_fetch *f, struct kt_apt *a)
{
	const char *args[] = {"-q", "-q", "update", NULL};

	return kt_fetch_run(f, "apt-get-update", apt_argv(a, "apt-get", args),
			    NULL, NULL);
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

static int apt_show(struct kt_fetch *f, struct kt_apt *a, const char *pkg,
		    char *version, size_t vlen, char deps[][320], int max,
		    int *ndeps)
{
	const char *args[] = {"show", "--no-all-versions", pkg, NULL};
	char out[KT_FETCH_PATH_LEN + 64], name[400];
	int err;

	err = kt_fetch_fmt(out, sizeof(out), "%s/show-%s.txt", f->tmp, pkg);
	err = err ?: kt_fetch_fmt(name, sizeof(name), "apt-cache-%s", pkg);
	if (err)
		return err;
	err = kt_fetch_run(f, name, apt_argv(a, "apt-cache", args), NULL, out);
	if (err)
		return err;
	return read_show(out, version, vlen, deps, max, ndeps);
}

int kt_fetch_resolve_packages(struct kt_fetch *f, struct kt_apt *a)
{
	char deps[64][320], image[320];
	size_t rl;
	int n, err;

	err = apt_show(f, a, f->meta, NULL, 0, deps, 64, &n);
	if (err == -EIO) {
		/* Usually the update could not reach the mirror: say so. */
		char log[KT_FETCH_PATH_LEN + 32], tail[800];
		struct kt_err_saved why;

		kt_err_save(&why);
		kt_fetch_fmt(log, sizeof(log), "%s/apt-get-update.log", f->tmp);
		kt_fetch_log_tail(log, tail, sizeof(tail));
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
			kt_fetch_scopy(image, sizeof(image), deps[i]);
	if (!image[0])
		return kt_err(ENOENT,
			      "kernel fetch: %s in %s depends on no "
			      "linux-image-<release> package",
			      f->meta, f->suite);
	kt_fetch_scopy(f->release, sizeof(f->release), image + 12);
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
	for (int i = 0; i < n && f->npkgs < KT_FETCH_MAX_PKGS; i++) {
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

/* "downloading <package> <package>..." */
static void progress_downloads(struct kt_fetch *f)
{
	char names[KT_FETCH_MAX_PKGS * 80] = "";
	size_t used = 0;

	for (int i = 0; i < f->npkgs && used < sizeof(names); i++) {
		int w = snprintf(names + used, sizeof(names) - used, "%s%s",
				 i ? " " : "", f->pkgs[i]);

		used += w > 0 ? (size_t)w : 0;
	}
	kt_fetch_progress(f, "downloading %s", names);
}

int kt_fetch_download_and_unpack(struct kt_fetch *f, struct kt_apt *a)
{
	const char *args[KT_FETCH_MAX_PKGS + 2] = {"download"};
	char debs[KT_FETCH_PATH_LEN + 16], x[KT_FETCH_PATH_LEN + 16],
	    pat[KT_FETCH_PATH_LEN + 32];
	glob_t g;
	int err;

	progress_downloads(f);
	err = kt_fetch_fmt(debs, sizeof(debs), "%s/debs", f->tmp);
	err = err ?: kt_fetch_fmt(x, sizeof(x), "%s/x", f->tmp);
	if (err)
		return err;
	if (mkdir(debs, 0755) < 0 || mkdir(x, 0755) < 0)
		return kt_err(errno, "kernel fetch: mkdir in %s: %s", f->tmp,
			      strerror(errno));
	for (int i = 0; i < f->npkgs; i++)
		args[i + 1] = f->pkgs[i];
	args[f->npkgs + 1] = NULL;
	err = kt_fetch_run(f, "apt-get-download", apt_argv(a, "apt-get", args),
			   debs, NULL);
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

		err = kt_fetch_run(f, "dpkg-deb", argv, NULL, NULL);
	}
	globfree(&g);
	return err;
}
