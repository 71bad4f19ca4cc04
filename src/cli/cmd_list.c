/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr list`: the scenario catalog, as text or JSON. */
#include <stdio.h>
#include <string.h>

#include <ktstr/scenario.h>

#include "cli_util.h"
#include "commands.h"

struct list_args {
	bool json;
};

static const struct kt_cli_opt list_opts[] = {
    KT_CLI_FLAG("json", 0, struct list_args, json,
		"print a JSON array instead"),
    {0},
};

static const struct kt_cli_group list_group = {.opts = list_opts};

static const struct kt_cli_cmd list_cmd = {
    .name = "ktstr list",
    .about = "List every scenario: name, category, one-line description. "
	     "Scenarios marked * run when `ktstr run` or `ktstr vm` get no "
	     "names.",
};

int kt_cmd_list(int argc, char **argv)
{
	struct list_args a = {0};
	int wn = 0, wc = 0;
	size_t nr;
	const struct kt_scenario *s;
	const struct kt_cli_bind binds[] = {{&list_group, &a}, {0}};
	int nr_operands, rc;

	if (!kt_cli_args(&list_cmd, binds, argc, argv, &nr_operands, &rc))
		return rc;
	s = kt_catalog(&nr);
	if (a.json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < nr; i++)
			json_array_append_new(
			    arr, json_pack("{s:s, s:s, s:s, s:b}", "name",
					   s[i].name, "category", s[i].category,
					   "description", s[i].description,
					   "default", s[i].in_default_set));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
		return KT_EXIT_PASS;
	}
	/* columns as wide as the longest name and category */
	for (size_t i = 0; i < nr; i++) {
		if ((int)strlen(s[i].name) > wn)
			wn = (int)strlen(s[i].name);
		if ((int)strlen(s[i].category) > wc)
			wc = (int)strlen(s[i].category);
	}
	for (size_t i = 0; i < nr; i++)
		printf("%c %-*s %-*s %s\n", s[i].in_default_set ? '*' : ' ', wn,
		       s[i].name, wc, s[i].category, s[i].description);
	return KT_EXIT_PASS;
}
