/* SPDX-License-Identifier: GPL-2.0-only */
/* `ktstr list`: the scenario catalog, as text or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <ktstr/scenario.h>

#include "cli_util.h"
#include "commands.h"

static void help(void)
{
	printf("usage: ktstr list [--json]\n\n"
	       "List every scenario: name, category, one-line description.\n"
	       "Scenarios marked * run when `ktstr run` or `ktstr vm` get no "
	       "names.\n\n"
	       "  --json   print a JSON array instead\n");
}

int kt_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	bool json = false;
	int wn = 0, wc = 0;
	size_t nr;
	const struct kt_scenario *s;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (c == 'h') {
			help();
			return KT_EXIT_PASS;
		}
		if (c == 'j')
			json = true;
		else
			return kt_cli_bad_option("list", c, argv);
	}
	if (optind < argc)
		return kt_cli_usage_error("list", "unexpected argument '%s'",
					  argv[optind]);
	s = kt_catalog(&nr);
	if (json) {
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
