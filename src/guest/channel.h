/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest end of the host<->guest channel: a named virtio-serial port
 * carrying one JSON object per line (docs/protocol.md).
 */
#ifndef KTSTR_GUEST_CHANNEL_H
#define KTSTR_GUEST_CHANNEL_H

#include <stddef.h>

#include <jansson.h>

#define KT_CHAN_NAME "org.ktstr.0"

/*
 * Find the virtio-serial port called name: the first entry (in name
 * order) of <sysfs_root>/sys/class/virtio-ports/ whose "name" file holds
 * it. Writes the port ("vport0p1") into port. -ENOENT when there is none,
 * -ENAMETOOLONG when port is too small; message in kt_last_error().
 */
int kt_chan_find(const char *sysfs_root, const char *name, char *port,
		 size_t len);

/*
 * kt_chan_find, retried for up to wait_ms (the port's name arrives from
 * the host after the device probed), then open <dev_dir>/<port> for
 * writing. Returns the fd (close-on-exec) or -errno.
 */
int kt_chan_open(const char *sysfs_root, const char *dev_dir, const char *name,
		 unsigned wait_ms);

/* Write all of buf, retrying short writes, EINTR and EAGAIN. */
int kt_chan_write_all(int fd, const void *buf, size_t len);

/* Send msg as one compact JSON line. 0 or -errno. */
int kt_chan_send(int fd, const json_t *msg);

/* Send msg and drop the caller's reference (msg may be NULL: -ENOMEM). */
int kt_chan_send_steal(int fd, json_t *msg);

void kt_chan_close(int fd);

#endif
