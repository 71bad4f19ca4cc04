/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The option tables of src/cli/options.h: parsing by type, long names,
 * prefixes, short clusters and operands; every error with its message;
 * the generated --help (every option, value name and help text, aligned
 * within 79 columns); and the version header.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ktstr/common.h>
#include <ktstr/version.h>

#include "../../src/cli/options.h"

struct args {
	bool quiet, list;
	const char *name;
	struct kt_cli_strings tags;
	unsigned workers, jobs;
	uint64_t duration_ns;
	int color;
};

/* "red" / "blue"; anything else is an error in the callback's words. */
static int set_color(const char *value, void *target)
{
	if (!strcmp(value, "red"))
		*(int *)target = 1;
	else if (!strcmp(value, "blue"))
		*(int *)target = 2;
	else
		return kt_err(EINVAL, "--color: '%s' is not red or blue",
			      value);
	return 0;
}

static const struct kt_cli_opt main_opts[] = {
    KT_CLI_FLAG("quiet", 'q', struct args, quiet, "say less"),
    KT_CLI_STRING("name", 'n', "NAME", struct args, name, "the name to use"),
    KT_CLI_STRINGS("tag", 0, "TAG", struct args, tags, "one more tag"),
    KT_CLI_CALL("color", 0, "C", struct args, color, set_color,
		"red or blue, a long help text that has to wrap onto the next "
		"line because it does not fit beside the option at all"),
    {0},
};

static const struct kt_cli_opt run_opts[] = {
    KT_CLI_UINT("workers", 'w', "N", struct args, workers, 1, 1024,
		"workers per cgroup"),
    KT_CLI_DURATION("duration", 0, "S", struct args, duration_ns,
		    "seconds each scenario runs"),
    KT_CLI_FLAG("list", 0, struct args, list, "list, run nothing"),
    {0},
};

static const struct kt_cli_group main_group = {.opts = main_opts};
static const struct kt_cli_group run_group = {
    .title = "run options",
    .opts = run_opts,
};

static const struct kt_cli_cmd cmd = {
    .name = "prog sub",
    .operands = "[WORD...]",
    .about = "What the command does.\n\nA second paragraph.",
    .notes = "A note after the options.",
    .exit = "0 pass, 1 a check failed, 2 usage",
};

static struct args a;
static int nr;

/* Parse the words (NULL-terminated) as "prog sub WORDS..." into a. */
static int parse_cmd(const struct kt_cli_cmd *c, const char *first, ...)
{
	static char *argv[32];
	const struct kt_cli_bind binds[] = {
	    {&main_group, &a},
	    {&run_group, &a},
	    {0},
	};
	va_list ap;
	int argc = 0;

	kt_cli_strings_free(&a.tags);
	memset(&a, 0, sizeof(a));
	argv[argc++] = "sub";
	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	kt_clear_error();
	return kt_cli_parse(c, binds, argc, argv, &nr);
}
#define parse(...) parse_cmd(&cmd, __VA_ARGS__)

static void test_types(void **state)
{
	(void)state;
	assert_int_equal(parse("-q", "--name", "x", "--workers=8", "--duration",
			       "500ms", "--color", "blue", "--tag", "a",
			       "--tag=b", "--list", NULL),
			 0);
	assert_true(a.quiet && a.list);
	assert_string_equal(a.name, "x");
	assert_int_equal(a.workers, 8);
	assert_int_equal(a.duration_ns, KT_MS(500));
	assert_int_equal(a.color, 2);
	assert_int_equal(a.tags.nr, 2);
	assert_string_equal(a.tags.v[0], "a");
	assert_string_equal(a.tags.v[1], "b");
	assert_null(a.tags.v[2]);
	assert_int_equal(nr, 0);

	assert_int_equal(parse("--duration", "2", NULL), 0);
	assert_int_equal(a.duration_ns, KT_SEC(2));
	assert_int_equal(parse("--duration=1.5s", NULL), 0);
	assert_int_equal(a.duration_ns, KT_MS(1500));
	assert_int_equal(parse("--duration", "0.25", NULL), 0);
	assert_int_equal(a.duration_ns, KT_MS(250));
	/* the last value of a single option wins */
	assert_int_equal(parse("--name", "a", "--name", "b", NULL), 0);
	assert_string_equal(a.name, "b");
	/* a value may start with '-' */
	assert_int_equal(parse("--name", "-x", NULL), 0);
	assert_string_equal(a.name, "-x");
	kt_cli_strings_free(&a.tags);
}

static void test_long_prefix_and_short(void **state)
{
	(void)state;
	/* unambiguous prefixes, as getopt_long takes them */
	assert_int_equal(parse("--dur", "3", "--wo", "4", "--qu", NULL), 0);
	assert_int_equal(a.duration_ns, KT_SEC(3));
	assert_int_equal(a.workers, 4);
	assert_true(a.quiet);
	/* a cluster, the last letter's value glued on or the next word */
	assert_int_equal(parse("-qw4", NULL), 0);
	assert_true(a.quiet);
	assert_int_equal(a.workers, 4);
	assert_int_equal(parse("-qn", "zed", NULL), 0);
	assert_string_equal(a.name, "zed");
}

static void test_operands(void **state)
{
	char *argv[] = {"sub", "one", "-q", "two", "--", "--three", "-", NULL};
	const struct kt_cli_bind binds[] = {{&main_group, &a}, {0}};

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(kt_cli_parse(&cmd, binds, 7, argv, &nr), 0);
	assert_true(a.quiet);
	assert_int_equal(nr, 4);
	assert_string_equal(argv[1], "one");
	assert_string_equal(argv[2], "two");
	assert_string_equal(argv[3], "--three");
	assert_string_equal(argv[4], "-");
}

static void test_help_asked(void **state)
{
	(void)state;
	assert_int_equal(parse("--help", NULL), KT_CLI_HELP);
	assert_int_equal(parse("-h", NULL), KT_CLI_HELP);
	assert_int_equal(parse("-qh", NULL), KT_CLI_HELP);
	assert_int_equal(parse("--he", NULL), KT_CLI_HELP);
	/* an error before it wins, as it did with getopt */
	assert_true(parse("--bogus", "--help", NULL) < 0);
	assert_int_equal(parse("--help", "--bogus", NULL), KT_CLI_HELP);
	assert_true(kt_cli_is_help("-h"));
	assert_true(kt_cli_is_help("--help"));
	assert_false(kt_cli_is_help("--he"));
	assert_false(kt_cli_is_help("help"));
}

/* parse(words) fails with -EINVAL and exactly this message. */
#define assert_error(msg, ...)                                                 \
	do {                                                                   \
		assert_int_equal(parse(__VA_ARGS__, NULL), -EINVAL);           \
		assert_string_equal(kt_last_error(), msg);                     \
	} while (0)

static void test_errors(void **state)
{
	(void)state;
	assert_error("unknown option '--bogus'", "--bogus");
	assert_error("unknown option '--bogus=1'", "--bogus=1");
	assert_error("unknown option '-x'", "-qx");
	/* a flag takes no value */
	assert_error("unknown option '--quiet=1'", "--quiet=1");
	assert_error("--duration needs a value", "--duration");
	assert_error("--dur needs a value", "--dur");
	assert_error("-w needs a value", "-qw");
	assert_error("--workers '0': expected a whole number from 1 to 1024",
		     "--workers", "0");
	assert_error("--workers '2x': expected a whole number from 1 to "
		     "1024",
		     "-w2x");
	assert_error("--workers '-1': expected a whole number from 1 to 1024",
		     "--workers=-1");
	assert_error("--duration 'soon': expected a duration in seconds "
		     "between 0.001 and 86400 (e.g. 2, 0.5, 500ms, 30m, 1h)",
		     "--duration", "soon");
	assert_error("--duration '0': expected a duration in seconds between "
		     "0.001 and 86400 (e.g. 2, 0.5, 500ms, 30m, 1h)",
		     "--duration=0");
	assert_error("--duration '2d': expected a duration in seconds "
		     "between 0.001 and 86400 (e.g. 2, 0.5, 500ms, 30m, 1h)",
		     "--duration", "2d");
	assert_error("--duration '25h': expected a duration in seconds "
		     "between 0.001 and 86400 (e.g. 2, 0.5, 500ms, 30m, 1h)",
		     "--duration", "25h");
	assert_error("--color: 'green' is not red or blue", "--color", "green");
}

static void test_ambiguous_prefix(void **state)
{
	static const struct kt_cli_opt opts[] = {
	    KT_CLI_STRING("scheduler", 0, "F", struct args, name, "x"),
	    KT_CLI_STRINGS("sched-arg", 0, "A", struct args, tags, "y"),
	    {0},
	};
	static const struct kt_cli_group g = {.opts = opts};
	const struct kt_cli_bind binds[] = {{&g, &a}, {0}};
	char *argv[] = {"vm", "--s", "x", "--sched", "y", NULL};
	char *argv2[] = {"vm", "--sched-", "y", NULL};

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(kt_cli_parse(&cmd, binds, 3, argv, &nr), -EINVAL);
	assert_string_equal(kt_last_error(), "unknown option '--s'");
	assert_int_equal(kt_cli_parse(&cmd, binds, 3, argv + 2, &nr), -EINVAL);
	assert_string_equal(kt_last_error(), "unknown option '--sched'");
	/* a prefix of one name only */
	assert_int_equal(kt_cli_parse(&cmd, binds, 3, argv2, &nr), 0);
	assert_string_equal(a.tags.v[0], "y");
	kt_cli_strings_free(&a.tags);
}

static void test_operand_rules(void **state)
{
	static const struct kt_cli_cmd none = {.name = "prog list"};
	static const struct kt_cli_cmd hint = {
	    .name = "prog shell",
	    .operand_hint = "use --exec 'CMD ARGS'",
	};
	static const struct kt_cli_cmd one = {
	    .name = "prog path",
	    .operands = "[RELEASE]",
	    .max_operands = 1,
	};

	(void)state;
	assert_int_equal(parse_cmd(&none, "-q", "foo", NULL), -EINVAL);
	assert_string_equal(kt_last_error(), "unexpected argument 'foo'");
	/* options are all looked at before the operands are judged */
	assert_int_equal(parse_cmd(&none, "foo", "--bogus", NULL), -EINVAL);
	assert_string_equal(kt_last_error(), "unknown option '--bogus'");
	assert_int_equal(parse_cmd(&hint, "ls", NULL), -EINVAL);
	assert_string_equal(kt_last_error(), "unexpected argument 'ls' (use "
					     "--exec 'CMD ARGS')");
	assert_int_equal(parse_cmd(&one, "a", NULL), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(parse_cmd(&one, "a", "b", NULL), -EINVAL);
	assert_string_equal(kt_last_error(), "unexpected argument 'b'");
	assert_int_equal(parse_cmd(&cmd, "a", "b", "c", NULL), 0);
	assert_int_equal(nr, 3);
}

static char *help_text(const struct kt_cli_cmd *c,
		       const struct kt_cli_bind *binds)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	kt_cli_help(f, c, binds);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Every line of text within 79 columns. */
static void assert_width(const char *text)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");

		if (len > 79)
			fail_msg("line longer than 79: %.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

/* text holds s once the line breaks and indentation are taken out. */
static void assert_has_words(const char *text, const char *s)
{
	char flat[8192];
	size_t n = 0;

	for (const char *p = text; *p && n < sizeof(flat) - 1; p++) {
		if (*p == '\n' || *p == ' ') {
			if (n && flat[n - 1] != ' ')
				flat[n++] = ' ';
			continue;
		}
		flat[n++] = *p;
	}
	flat[n] = '\0';
	if (!strstr(flat, s))
		fail_msg("'%s' missing from the help:\n%s", s, text);
}

static void test_help_text(void **state)
{
	const struct kt_cli_bind binds[] = {
	    {&main_group, &a},
	    {&run_group, &a},
	    {0},
	};
	char *text = help_text(&cmd, binds);

	(void)state;
	assert_width(text);
	assert_non_null(strstr(text, "usage: prog sub [WORD...] "));
	for (const struct kt_cli_bind *b = binds; b->group; b++)
		for (const struct kt_cli_opt *o = b->group->opts; o->name;
		     o++) {
			char left[64];

			snprintf(left, sizeof(left), "--%s%s%s", o->name,
				 o->value ? " " : "", o->value ? o->value : "");
			assert_non_null(strstr(text, left));
			assert_has_words(text, o->help);
		}
	assert_non_null(strstr(text, "  -q, --quiet "));
	assert_non_null(strstr(text, "  -n, --name NAME "));
	assert_non_null(strstr(text, "  -h, --help "));
	assert_non_null(strstr(text, "[--tag TAG]..."));
	assert_has_words(text, "one more tag (repeatable)");
	assert_non_null(strstr(text, "\n\nWhat the command does.\n\nA second "
				     "paragraph.\n\noptions:\n"));
	assert_non_null(strstr(text, "\nrun options:\n"));
	assert_non_null(strstr(text, "\n\nA note after the options.\n"));
	assert_non_null(
	    strstr(text, "\n\nexit: 0 pass, 1 a check failed, 2 usage\n"));
	/* help texts start in one column, continuation lines too */
	assert_non_null(strstr(text, "\n  -w, --workers N  workers"));
	assert_non_null(strstr(text, "\n  --list           list"));
	assert_non_null(strstr(text, "\n                   line because"));
	free(text);
}

static int sub_fn(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void test_help_subcommands(void **state)
{
	static const struct kt_cli_subcmd subs[] = {
	    {"fetch", NULL, "download it", sub_fn},
	    {"path", "[RELEASE]", "print its path", sub_fn},
	};
	static const struct kt_cli_cmd disp = {
	    .name = "prog kernel",
	    .about = "Manage things.",
	    .subcmds = subs,
	    .nr_subcmds = 2,
	};
	char *text = help_text(&disp, NULL);

	(void)state;
	assert_non_null(strstr(text, "usage: prog kernel fetch | path "
				     "[RELEASE]\n"));
	assert_non_null(strstr(text, "commands:\n  fetch           download "
				     "it\n  path [RELEASE]  print its path\n"));
	assert_null(strstr(text, "options:"));
	free(text);
	/* a command without options still lists -h, --help */
	text = help_text(&disp, (const struct kt_cli_bind[]){{0}});
	assert_non_null(strstr(text, "options:\n  -h, --help "));
	free(text);
}

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(KTSTR_VERSION_MAJOR, 0);
	assert_int_equal(KTSTR_VERSION_MINOR, 9);
	assert_string_equal(KTSTR_VERSION, "0.9");
	assert_true(KTSTR_VERSION_AT_LEAST(0, 9));
	assert_true(KTSTR_VERSION_AT_LEAST(0, 1));
	assert_false(KTSTR_VERSION_AT_LEAST(0, 10));
	assert_false(KTSTR_VERSION_AT_LEAST(1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_long_prefix_and_short),
	    cmocka_unit_test(test_operands),
	    cmocka_unit_test(test_help_asked),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_ambiguous_prefix),
	    cmocka_unit_test(test_operand_rules),
	    cmocka_unit_test(test_help_text),
	    cmocka_unit_test(test_help_subcommands),
	    cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
