/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario-file BPF map writes (<ktstr/map_write.h>): the keys of one
 * write {"map", "key", "field" | "offset" + "width", "value"}, shared by
 * the top-level "map_writes" list and the WriteMap op, each mistake at
 * its key's position.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "scenario_file_priv.h"

static const char *const keys[] = {"map",   "key",   "field", "offset",
				   "width", "value", NULL};

static int check(const struct sf_parse *p, const json_t *v, const char *path,
		 const struct kt_map_write *w)
{
	bool has_off = json_object_get(v, "offset") != NULL;

	if (w->field && has_off)
		return sf_err_key(p, path, "offset",
				  "give \"field\" or \"offset\" (with "
				  "\"width\"), not both");
	if (!w->field && !w->width)
		return sf_err_val(p, path,
				  "name the bytes to write: \"field\" (a "
				  "variable of a .bss/.data map, or a struct "
				  "member), or \"offset\" and \"width\"");
	if (w->width && w->width != 1 && w->width != 2 && w->width != 4 &&
	    w->width != 8)
		return sf_err_key(p, path, "width",
				  "must be 1, 2, 4 or 8 (bytes), not %u",
				  w->width);
	if (w->width && w->width < 8 && w->value >> (8 * w->width))
		return sf_err_key(p, path, "value",
				  "%llu does not fit %u bytes",
				  (unsigned long long)w->value, w->width);
	if (strlen(w->map) > 15 || !strcmp(w->map, "."))
		return sf_err_key(p, path, "map",
				  "\"%s\" is not a map name (1..15 characters: "
				  "scx_ktstr.bss, or a suffix such as .bss)",
				  w->map);
	if (kt_map_write_check(w))
		return sf_err_val(p, path, "%s", kt_last_error());
	return 0;
}

/* The write's keys of v (already known to be allowed). */
int sf_parse_map_write_keys(const struct sf_parse *p, const json_t *v,
			    const char *path, struct kt_map_write *out)
{
	uint64_t key = 0, off = 0, width = 0, value = 0;
	const char *map = NULL, *field = NULL;
	int err;

	err = sf_get_str(p, v, path, "map", true, &map);
	err = err ?: sf_get_str(p, v, path, "field", false, &field);
	err = err ?: sf_get_uint(p, v, path, "key", 0, UINT32_MAX, &key, NULL);
	err =
	    err ?: sf_get_uint(p, v, path, "offset", 0, UINT32_MAX, &off, NULL);
	err = err ?: sf_get_uint(p, v, path, "width", 0, 8, &width, NULL);
	err =
	    err ?: sf_get_uint(p, v, path, "value", 0, INT64_MAX, &value, NULL);
	if (err)
		return err;
	if (!json_object_get(v, "value"))
		return sf_err_val(p, path, "\"value\" is missing");
	*out = (struct kt_map_write){.map = map,
				     .key = (uint32_t)key,
				     .field = field,
				     .offset = (uint32_t)off,
				     .width = (unsigned)width,
				     .value = value};
	return check(p, v, path, out);
}

int sf_parse_map_writes(const struct sf_parse *p, const json_t *v,
			const char *path, struct kt_map_writes *out)
{
	struct kt_map_write *w;
	char el[SF_PATH_MAX];
	json_t *e;
	size_t i;
	int err;

	if (!json_is_array(v) || !json_array_size(v))
		return sf_err_val(p, path,
				  "must be a non-empty array of map writes "
				  "{\"map\", \"field\", \"value\", ...}");
	if (json_array_size(v) > SF_MAX_ITEMS)
		return sf_err_val(p, path, "more than %d map writes",
				  SF_MAX_ITEMS);
	w = sf_alloc(p->sf, json_array_size(v) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	json_array_foreach(v, i, e)
	{
		kt_json_path_index(el, sizeof(el), path, i);
		err = sf_want_object(p, e, el,
				     "a map write {\"map\": NAME, ...}");
		err = err ?: sf_check_keys(p, e, el, keys, "a map write");
		err = err ?: sf_parse_map_write_keys(p, e, el, &w[i]);
		if (err)
			return err;
	}
	out->nr = json_array_size(v);
	out->w = w;
	return 0;
}
