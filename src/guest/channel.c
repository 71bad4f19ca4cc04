/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding, opening and writing the guest's virtio-serial result port. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/common.h>

#include "channel.h"

#define PORTS_DIR "sys/class/virtio-ports"

static void join(char *buf, size_t len, const char *root, const char *rel)
{
	size_t n = strlen(root);

	snprintf(buf, len, "%s%s%s", root, n && root[n - 1] == '/' ? "" : "/",
		 rel);
}

/* Read a small sysfs attribute, trailing newline removed. */
static int read_attr(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, len - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

int kt_chan_find(const char *sysfs_root, const char *name, char *port,
		 size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX], val[256];
	struct dirent **ents = NULL;
	int n, err = 0;
	bool found = false;

	join(dir, sizeof(dir), sysfs_root ? sysfs_root : "/", PORTS_DIR);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return kt_err(errno, "channel: scan %s: %s", dir,
			      strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;

		if (found || d[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/name", dir, d) >=
		    (int)sizeof(path))
			continue;
		/* Ports without a name have an empty or missing file. */
		if (read_attr(path, val, sizeof(val)) || strcmp(val, name))
			continue;
		found = true;
		if (strlen(d) >= len)
			err = kt_err(ENAMETOOLONG,
				     "channel: port name %s too long", d);
		else
			strcpy(port, d);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (!found)
		return kt_err(ENOENT,
			      "channel: no virtio-serial port named %s "
			      "in %s",
			      name, dir);
	return err;
}

int kt_chan_open(const char *sysfs_root, const char *dev_dir, const char *name,
		 unsigned wait_ms)
{
	uint64_t deadline = kt_now_ns() + KT_MS(wait_ms);
	char port[NAME_MAX + 1], path[PATH_MAX];
	int err, fd;

	for (;;) {
		err = kt_chan_find(sysfs_root, name, port, sizeof(port));
		if (err != -ENOENT || kt_now_ns() >= deadline)
			break;
		kt_sleep(KT_MS(20));
	}
	if (err)
		return err;
	if (snprintf(path, sizeof(path), "%s/%s", dev_dir, port) >=
	    (int)sizeof(path))
		return kt_err(ENAMETOOLONG, "channel: path %s/%s too long",
			      dev_dir, port);
	/* The device node may lag the sysfs entry for a moment too. */
	for (;;) {
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		err = -errno;
		if (err != -ENOENT || kt_now_ns() >= deadline)
			break;
		kt_sleep(KT_MS(20));
	}
	return kt_err(-err, "channel: open %s: %s", path, strerror(-err));
}

int kt_chan_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = {.fd = fd,
						     .events = POLLOUT};

				poll(&pfd, 1, 100);
				continue;
			}
			return kt_err(errno, "channel: write: %s",
				      strerror(errno));
		}
		if (n == 0)
			return kt_err(EIO, "channel: write returned 0");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kt_chan_send(int fd, const json_t *msg)
{
	char *s;
	size_t len;
	int err;

	if (!msg)
		return kt_err(ENOMEM, "channel: no message to send (out of "
				      "memory?)");
	s = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s)
		return kt_err(ENOMEM, "channel: encode message: out of memory");
	len = strlen(s);
	/* One write for the line and its newline keeps lines whole. */
	char *line = realloc(s, len + 2);

	if (!line) {
		free(s);
		return kt_err(ENOMEM, "channel: encode message: out of memory");
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	err = kt_chan_write_all(fd, line, len + 1);
	free(line);
	return err;
}

int kt_chan_send_steal(int fd, json_t *msg)
{
	int err = kt_chan_send(fd, msg);

	json_decref(msg);
	return err;
}

void kt_chan_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
