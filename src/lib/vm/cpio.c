/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cpio "newc" (SVR4, no CRC) archive writer, the format the kernel
 * unpacks as an initramfs. Each entry: the 110-byte ASCII header
 * ("070701" + 13 eight-digit hex fields), the NUL-terminated name padded
 * so header+name is a multiple of 4, then the data padded to 4. The
 * archive ends with an entry named TRAILER!!!. Parent directories are
 * emitted on demand so every path the kernel creates has its parent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "cpio.h"
#include "strv.h"

struct kt_cpio {
	FILE *f;
	unsigned ino;
	int err; /* sticky write error */
	struct kt_strv names;
};

int kt_cpio_new(FILE *f, struct kt_cpio **out)
{
	struct kt_cpio *c = calloc(1, sizeof(*c));

	if (!c)
		return kt_err(ENOMEM, "cpio: out of memory");
	c->f = f;
	c->ino = 1;
	*out = c;
	return 0;
}

void kt_cpio_free(struct kt_cpio *c)
{
	if (!c)
		return;
	kt_strv_free(&c->names);
	free(c);
}

/* "/a//b/" -> "a/b"; "" for the root. */
static char *norm_name(const char *path)
{
	char *out = malloc(strlen(path) + 1), *o = out;
	const char *p = path;

	if (!out)
		return NULL;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		if (o != out)
			*o++ = '/';
		while (*p && *p != '/')
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

static int put_pad(struct kt_cpio *c, size_t done)
{
	static const char zeros[4];
	size_t pad = (4 - (done & 3)) & 3;

	if (pad && fwrite(zeros, 1, pad, c->f) != pad)
		return -EIO;
	return 0;
}

static int put_header(struct kt_cpio *c, const char *name, mode_t mode,
		      size_t size, unsigned rmaj, unsigned rmin)
{
	size_t namesize = strlen(name) + 1;
	char hdr[111];

	if (size > 0xffffffffu)
		return kt_err(EFBIG,
			      "cpio: %s: %zu bytes is over the newc "
			      "limit of 4 GiB",
			      name, size);
	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->ino++, (unsigned)mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
		 (unsigned)size, 0u, 0u, rmaj, rmin, (unsigned)namesize, 0u);
	if (fwrite(hdr, 1, 110, c->f) != 110 ||
	    fwrite(name, 1, namesize, c->f) != namesize ||
	    put_pad(c, 110 + namesize))
		return kt_err(EIO, "cpio: writing the header of %s failed",
			      name);
	return 0;
}

static int remember(struct kt_cpio *c, const char *name)
{
	return kt_strv_push(&c->names, name);
}

bool kt_cpio_has(const struct kt_cpio *c, const char *path)
{
	char *n = norm_name(path);
	bool r = n && kt_strv_contains(&c->names, n);

	free(n);
	return r;
}

/* Emit every missing ancestor directory of name (normalized). */
static int parents(struct kt_cpio *c, const char *name)
{
	char *tmp = strdup(name);
	int err = 0;

	if (!tmp)
		return kt_err(ENOMEM, "cpio: out of memory");
	for (char *s = strchr(tmp, '/'); s && !err; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (!kt_strv_contains(&c->names, tmp)) {
			err = put_header(c, tmp, S_IFDIR | 0755, 0, 0, 0);
			err = err ?: remember(c, tmp);
		}
		*s = '/';
	}
	free(tmp);
	return err;
}

/* Normalize, reject duplicates and the root, add parents. */
static int begin(struct kt_cpio *c, const char *path, char **name)
{
	int err;

	if (c->err)
		return c->err;
	*name = norm_name(path);
	if (!*name)
		return kt_err(ENOMEM, "cpio: out of memory");
	if (!**name)
		err = kt_err(EINVAL, "cpio: '%s' is not a valid entry name",
			     path);
	else if (kt_strv_contains(&c->names, *name))
		err = kt_err(EEXIST, "cpio: '%s' is already in the archive",
			     path);
	else
		err = parents(c, *name);
	if (err) {
		free(*name);
		*name = NULL;
	}
	return err;
}

static int end(struct kt_cpio *c, char *name, int err)
{
	if (!err)
		err = remember(c, name);
	free(name);
	if (err == -EIO || err == -EFBIG)
		c->err = err;
	return err;
}

int kt_cpio_dir(struct kt_cpio *c, const char *path, mode_t perm)
{
	char *name;
	int err = begin(c, path, &name);

	if (err)
		return err;
	err = put_header(c, name, S_IFDIR | (perm & 07777), 0, 0, 0);
	return end(c, name, err);
}

int kt_cpio_file(struct kt_cpio *c, const char *path, mode_t perm,
		 const void *data, size_t len)
{
	char *name;
	int err = begin(c, path, &name);

	if (err)
		return err;
	err = put_header(c, name, S_IFREG | (perm & 07777), len, 0, 0);
	if (!err && len && fwrite(data, 1, len, c->f) != len)
		err = kt_err(EIO, "cpio: writing %s failed", name);
	if (!err && put_pad(c, len))
		err = kt_err(EIO, "cpio: writing %s failed", name);
	return end(c, name, err);
}

int kt_cpio_file_from_path(struct kt_cpio *c, const char *path, mode_t perm,
			   const char *src)
{
	char buf[65536], *name;
	struct stat st;
	size_t left;
	int fd, err;

	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kt_err(errno, "cpio: open %s: %s", src, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kt_err(EINVAL, "cpio: %s is not a regular file", src);
	}
	err = begin(c, path, &name);
	if (err) {
		close(fd);
		return err;
	}
	if (!perm)
		perm = st.st_mode & 07777;
	err = put_header(c, name, S_IFREG | (perm & 07777), (size_t)st.st_size,
			 0, 0);
	for (left = (size_t)st.st_size; !err && left;) {
		ssize_t n =
		    read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* The file shrank or failed: the header already
			 * promised st_size bytes, so the archive is bad. */
			err = kt_err(EIO, "cpio: reading %s failed", src);
			break;
		}
		if (fwrite(buf, 1, (size_t)n, c->f) != (size_t)n)
			err = kt_err(EIO, "cpio: writing %s failed", name);
		left -= (size_t)n;
	}
	if (!err && put_pad(c, (size_t)st.st_size))
		err = kt_err(EIO, "cpio: writing %s failed", name);
	close(fd);
	return end(c, name, err);
}

int kt_cpio_symlink(struct kt_cpio *c, const char *path, const char *target)
{
	size_t len = strlen(target);
	char *name;
	int err = begin(c, path, &name);

	if (err)
		return err;
	err = put_header(c, name, S_IFLNK | 0777, len, 0, 0);
	if (!err && (fwrite(target, 1, len, c->f) != len || put_pad(c, len)))
		err = kt_err(EIO, "cpio: writing %s failed", name);
	return end(c, name, err);
}

int kt_cpio_node(struct kt_cpio *c, const char *path, mode_t type, mode_t perm,
		 unsigned major, unsigned minor)
{
	char *name;
	int err;

	if (type != S_IFCHR && type != S_IFBLK)
		return kt_err(EINVAL,
			      "cpio: %s: a device node must be a "
			      "character or block device",
			      path);
	err = begin(c, path, &name);
	if (err)
		return err;
	err = put_header(c, name, type | (perm & 07777), 0, major, minor);
	return end(c, name, err);
}

int kt_cpio_finish(struct kt_cpio *c)
{
	int err = c->err;

	if (!err)
		err = put_header(c, "TRAILER!!!", 0, 0, 0, 0);
	if (!err && fflush(c->f))
		err = kt_err(EIO, "cpio: flushing the archive failed");
	kt_cpio_free(c);
	return err;
}
