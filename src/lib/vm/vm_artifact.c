/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's end of `artifact` messages (docs/protocol.md): chunks of a
 * file the guest sends (a flight-recorder trace, a scheduler dump) are
 * gathered in memory and, at the last one, written into the artifacts
 * directory through a temp file that is linked to its final name, so
 * no half-written file is ever seen under that name and a file cut off by
 * the VM's end leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strv.h"
#include "vm_internal.h"

#define MAX_ARTIFACT_BYTES (256u << 20) /* a runaway guest stops here */

struct kt_vm_art_rx {
	unsigned long long id, seq;
	char *scenario, *kind, *suffix, *variant;
	char *data;
	size_t len, cap;
};

static void rx_free(struct kt_vm_art_rx *rx)
{
	if (!rx)
		return;
	free(rx->scenario);
	free(rx->kind);
	free(rx->suffix);
	free(rx->variant);
	free(rx->data);
	free(rx);
}

void kt_vm_art_rx_free(struct kt_vm_chan *ch)
{
	rx_free(ch->art_rx);
	ch->art_rx = NULL;
}

int kt_vm_artifact_name(const char *scenario, const char *variant,
			const char *suffix, unsigned n, char *buf, size_t len)
{
	char num[16] = "";
	int w;

	if (n > 1)
		snprintf(num, sizeof(num), ".%u", n);
	w = snprintf(buf, len, "%s%s%s%s.%s",
		     scenario && *scenario ? scenario : "run",
		     variant && *variant ? "-" : "", variant ? variant : "",
		     num, suffix && *suffix ? suffix : "bin");
	if (w < 0 || (size_t)w >= len)
		return kt_err(ENAMETOOLONG, "artifact name %.64s...: too long",
			      buf);
	for (char *c = buf; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && !strchr("._+-", *c))
			*c = '_';
	if (buf[0] == '.')
		buf[0] = '_';
	return 0;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Append the decoded base64 text s to rx; false when it is not base64. */
static bool b64_append(struct kt_vm_art_rx *rx, const char *s, size_t n)
{
	unsigned v = 0, bits = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		int d = b64_val(s[i]);

		if (d < 0)
			return false;
		v = v << 6 | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			rx->data[rx->len++] = (char)(v >> bits & 0xff);
		}
	}
	return true;
}

static bool reserve(struct kt_vm_art_rx *rx, size_t more)
{
	size_t cap = rx->cap ? rx->cap : 65536;
	char *p;

	if (rx->len + more <= rx->cap)
		return true;
	while (cap < rx->len + more)
		cap *= 2;
	p = realloc(rx->data, cap);
	if (!p)
		return false;
	rx->data = p;
	rx->cap = cap;
	return true;
}

static char *dup_key(const json_t *m, const char *key)
{
	const char *s = json_string_value(json_object_get(m, key));

	return strdup(s ? s : "");
}

/* mkdir -p path (0755); -1 with errno. The CLI checked beforehand that
 * what is missing can be made (--results DIR/artifacts: two names). */
static int make_dirs(const char *path)
{
	char buf[4096];
	char *slash;

	if (!mkdir(path, 0755) || errno == EEXIST)
		return 0;
	if (errno != ENOENT ||
	    snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return -1;
	*slash = '\0';
	if (make_dirs(buf))
		return -1;
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

/* The artifacts directory, made now if it is not there: -errno. */
static int art_dir(struct kt_vm_chan *ch, const char **dir)
{
	if (ch->art_fresh) {
		if (!ch->art_made[0]) {
			snprintf(ch->art_made, sizeof(ch->art_made), "%s",
				 ch->art_dir);
			if (!mkdtemp(ch->art_made)) {
				int err = errno;

				ch->art_made[0] = '\0';
				return kt_err(err, "artifacts dir %s: %s",
					      ch->art_dir, strerror(err));
			}
		}
		*dir = ch->art_made;
		return 0;
	}
	if (make_dirs(ch->art_dir))
		return kt_err(errno, "artifacts dir %s: %s", ch->art_dir,
			      strerror(errno));
	*dir = ch->art_dir;
	return 0;
}

/* Write rx into a temp file of dir, then link it to a free name. */
static int write_file(const char *dir, const struct kt_vm_art_rx *rx,
		      char *path, size_t len)
{
	char tmp[4200], name[512];
	int fd, err = 0;
	ssize_t w = 0;

	snprintf(tmp, sizeof(tmp), "%s/.ktstr-artifact.XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0)
		return kt_err(errno, "artifact in %s: %s", dir,
			      strerror(errno));
	fchmod(fd, 0644); /* mkstemp's 0600 is for the temp name only */
	for (size_t off = 0; off < rx->len; off += (size_t)w) {
		w = write(fd, rx->data + off, rx->len - off);
		if (w <= 0) {
			err = w < 0 ? errno : EIO;
			break;
		}
	}
	if (close(fd) && !err)
		err = errno;
	for (unsigned n = 1; !err; n++) {
		err = kt_vm_artifact_name(rx->scenario, rx->variant, rx->suffix,
					  n, name, sizeof(name));
		if (err)
			break;
		if (snprintf(path, len, "%s/%s", dir, name) >= (int)len)
			err = ENAMETOOLONG;
		else if (!link(tmp, path))
			break;
		else if (errno != EEXIST || n >= 1000)
			err = errno;
	}
	unlink(tmp);
	if (err)
		return kt_err(err < 0 ? -err : err, "artifact %s: %s", path,
			      strerror(err < 0 ? -err : err));
	return 0;
}

static int finish(struct kt_vm_chan *ch, struct kt_vm_result *res)
{
	struct kt_vm_art_rx *rx = ch->art_rx;
	struct kt_vm_artifact *a;
	const char *dir = NULL;
	char path[4200];

	ch->art_rx = NULL;
	if (!ch->art_dir) {
		rx_free(rx);
		return 0;
	}
	if (art_dir(ch, &dir) || write_file(dir, rx, path, sizeof(path))) {
		rx_free(rx);
		return kt_strv_push(&res->artifact_errors, kt_last_error());
	}
	a = realloc(res->artifacts, (res->nr_artifacts + 1) * sizeof(*a));
	if (!a) {
		rx_free(rx);
		return kt_err(ENOMEM, "out of memory");
	}
	res->artifacts = a;
	a += res->nr_artifacts;
	a->scenario = rx->scenario;
	a->kind = rx->kind;
	a->path = strdup(path);
	a->bytes = rx->len;
	rx->scenario = rx->kind = NULL;
	rx_free(rx);
	if (!a->path) {
		free(a->scenario);
		free(a->kind);
		return kt_err(ENOMEM, "out of memory");
	}
	res->nr_artifacts++;
	return 0;
}

/* A chunk that starts a file (seq 0): a new receiver; NULL on ENOMEM. */
static struct kt_vm_art_rx *rx_new(const json_t *m, unsigned long long id)
{
	struct kt_vm_art_rx *rx = calloc(1, sizeof(*rx));

	if (!rx)
		return NULL;
	rx->id = id;
	rx->scenario = dup_key(m, "scenario");
	rx->kind = dup_key(m, "kind");
	rx->suffix = dup_key(m, "suffix");
	rx->variant = dup_key(m, "variant");
	if (!rx->scenario || !rx->kind || !rx->suffix || !rx->variant) {
		rx_free(rx);
		return NULL;
	}
	return rx;
}

/* Drop the file being received, saying why. */
static int drop(struct kt_vm_chan *ch, struct kt_vm_result *res,
		const char *why)
{
	kt_vm_art_rx_free(ch);
	return kt_strv_pushf(&res->artifact_errors, "artifact dropped: %s",
			     why);
}

int kt_vm_art_chunk(struct kt_vm_chan *ch, struct kt_vm_result *res,
		    const json_t *m)
{
	json_t *d = json_object_get(m, "data");
	const char *enc = json_string_value(json_object_get(m, "encoding"));
	unsigned long long id =
	    (unsigned long long)json_integer_value(json_object_get(m, "id"));
	unsigned long long seq =
	    (unsigned long long)json_integer_value(json_object_get(m, "seq"));
	size_t n = json_string_length(d);
	bool b64 = enc && !strcmp(enc, "base64");
	struct kt_vm_art_rx *rx;

	if (!json_is_string(d) || !json_is_string(json_object_get(m, "kind")))
		return drop(ch, res, "a chunk without data or kind");
	if (seq == 0) {
		kt_vm_art_rx_free(ch);
		ch->art_rx = rx_new(m, id);
		if (!ch->art_rx)
			return kt_err(ENOMEM, "out of memory");
	}
	rx = ch->art_rx;
	if (!rx || rx->id != id || rx->seq != seq)
		return drop(ch, res, "a chunk out of order");
	if (rx->len + n > MAX_ARTIFACT_BYTES)
		return drop(ch, res, "larger than 256 MiB");
	if (!reserve(rx, n + 1))
		return kt_err(ENOMEM, "out of memory");
	if (b64 && !b64_append(rx, json_string_value(d), n))
		return drop(ch, res, "bad base64 data");
	if (!b64) {
		memcpy(rx->data + rx->len, json_string_value(d), n);
		rx->len += n;
	}
	rx->seq++;
	return json_is_true(json_object_get(m, "last")) ? finish(ch, res) : 0;
}

const struct kt_vm_artifact *kt_vm_artifact_find(const struct kt_vm_result *res,
						 const char *scenario,
						 const char *kind)
{
	for (size_t i = 0; i < res->nr_artifacts; i++) {
		const struct kt_vm_artifact *a = &res->artifacts[i];

		if (!strcmp(a->kind, kind) &&
		    !strcmp(a->scenario, scenario ? scenario : ""))
			return a;
	}
	return NULL;
}

void kt_vm_artifacts_free(struct kt_vm_result *res)
{
	for (size_t i = 0; i < res->nr_artifacts; i++) {
		free(res->artifacts[i].scenario);
		free(res->artifacts[i].kind);
		free(res->artifacts[i].path);
	}
	free(res->artifacts);
	res->artifacts = NULL;
	res->nr_artifacts = 0;
	kt_strv_free(&res->artifact_errors);
}

json_t *kt_vm_artifacts_json(const struct kt_vm_result *res)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < res->nr_artifacts; i++) {
		const struct kt_vm_artifact *a = &res->artifacts[i];

		if (json_array_append_new(
			arr,
			json_pack("{s:s, s:s, s:s, s:I}", "scenario",
				  a->scenario, "kind", a->kind, "path", a->path,
				  "bytes", (json_int_t)a->bytes))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
