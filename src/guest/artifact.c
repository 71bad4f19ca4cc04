/* SPDX-License-Identifier: GPL-2.0-only */
/* Artifacts over the channel (artifact.h): chunking, encoding, sending. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "artifact.h"
#include "channel.h"

static pthread_mutex_t art_lock = PTHREAD_MUTEX_INITIALIZER;
static int art_fd = -1;
static char *art_variant;
static unsigned art_next_id;

void kt_guest_artifact_attach(int fd, const char *variant)
{
	pthread_mutex_lock(&art_lock);
	art_fd = fd;
	free(art_variant);
	art_variant = variant ? strdup(variant) : NULL;
	pthread_mutex_unlock(&art_lock);
}

static char *base64(const char *p, size_t n)
{
	static const char t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)p[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)p[i + 2];
		*o++ = t[v >> 18 & 63];
		*o++ = t[v >> 12 & 63];
		*o++ = i + 1 < n ? t[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? t[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* The chunk's data: text when it is UTF-8 without NULs, else base64. */
static json_t *chunk_data(const struct kt_artifact_chunk *c, bool *text)
{
	json_t *s = memchr(c->data, '\0', c->len)
			? NULL
			: json_stringn(c->data, c->len);
	char *b;

	*text = s != NULL;
	if (s)
		return s;
	b = base64(c->data, c->len);
	s = b ? json_string(b) : NULL;
	free(b);
	return s;
}

json_t *kt_msg_artifact(const struct kt_artifact_chunk *c)
{
	bool text = false;
	json_t *data = chunk_data(c, &text);

	if (!data)
		return NULL;
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:b, s:I, s:s, "
			 "s:o}",
			 "type", "artifact", "id", (json_int_t)c->id,
			 "scenario", c->scenario ? c->scenario : "", "kind",
			 c->kind, "suffix", c->suffix ? c->suffix : c->kind,
			 "variant", c->variant ? c->variant : "", "seq",
			 (json_int_t)c->seq, "last", c->last, "size",
			 (json_int_t)c->size, "encoding",
			 text ? "text" : "base64", "data", data);
}

/* Bytes of p (n available) to send in one chunk: at most max, not
 * splitting a UTF-8 sequence (the JSON text of a chunk must be valid). */
static size_t chunk_len(const char *p, size_t n, size_t max)
{
	size_t k = n < max ? n : max, back = 0;

	while (k < n && back < 3 && k > 1 &&
	       ((unsigned char)p[k] & 0xc0) == 0x80) {
		k--;
		back++;
	}
	return k;
}

static int send_locked(struct kt_artifact_chunk *c, const char *data,
		       size_t len)
{
	size_t off = 0;

	do {
		size_t n = chunk_len(data + off, len - off, KT_ARTIFACT_CHUNK);
		json_t *m;
		int err;

		c->data = data + off;
		c->len = n;
		c->last = off + n == len;
		m = kt_msg_artifact(c);
		if (!m)
			return kt_err(ENOMEM, "artifact %s: out of memory",
				      c->kind);
		err = kt_chan_send_steal(art_fd, m);
		if (err)
			return err;
		off += n;
		c->seq++;
	} while (off < len);
	return 0;
}

int kt_guest_send_artifact(const char *scenario, const char *kind,
			   const char *suffix, const void *data, size_t len)
{
	struct kt_artifact_chunk c = {
	    .scenario = scenario,
	    .kind = kind,
	    .suffix = suffix,
	    .size = len,
	};
	int err;

	if (!kind || !*kind || (!data && len))
		return kt_err(EINVAL, "artifact: no kind or no data");
	pthread_mutex_lock(&art_lock);
	if (art_fd < 0) {
		pthread_mutex_unlock(&art_lock);
		return kt_err(ENOTCONN, "artifact %s: no channel", kind);
	}
	c.id = art_next_id++;
	c.variant = art_variant;
	err = send_locked(&c, data ? data : "", len);
	pthread_mutex_unlock(&art_lock);
	return err;
}
