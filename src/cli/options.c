/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing a command line against option tables (options.h): finding each
 * option by long name, unambiguous prefix or short letter, taking its value
 * and storing it by type, and the operand rules. Nothing is printed: errors
 * go to kt_err() for the caller to show in its own style.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/common.h>

#include "options.h"

/* -h / --help: part of every command, answered by the caller. */
static const struct kt_cli_opt help_opt = {
    .name = "help",
    .short_name = 'h',
    .type = KT_CLI_OPT_FLAG,
};

/* An option found in the bound tables, with the struct it writes to. */
struct found {
	const struct kt_cli_opt *opt;
	void *base;
};

bool kt_cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int kt_cli_strings_push(struct kt_cli_strings *l, const char *s)
{
	const char **v = realloc(l->v, (l->nr + 2) * sizeof(*v));

	if (!v)
		return kt_err(ENOMEM, "out of memory");
	v[l->nr++] = s;
	v[l->nr] = NULL;
	l->v = v;
	return 0;
}

void kt_cli_strings_free(struct kt_cli_strings *l)
{
	free(l->v);
	l->v = NULL;
	l->nr = 0;
}

static bool takes_value(const struct kt_cli_opt *o)
{
	if (o->type == KT_CLI_OPT_FLAG)
		return false;
	if (o->type == KT_CLI_OPT_CALL)
		return o->value != NULL;
	return true;
}

static int parse_uint(const struct kt_cli_opt *o, const char *text,
		      unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (end == text || *end || errno || text[0] == '-' || v < o->min ||
	    v > o->max)
		return kt_err(EINVAL,
			      "--%s '%s': expected a whole number from %u to "
			      "%u",
			      o->name, text, o->min, o->max);
	*out = (unsigned)v;
	return 0;
}

/* Seconds, fractions allowed, or a number with "s" / "ms": 1 ms .. 24 h. */
static int parse_duration(const struct kt_cli_opt *o, const char *text,
			  uint64_t *ns)
{
	char *end;
	double v, scale = 1e9;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || errno)
		goto bad;
	if (!strcmp(end, "ms"))
		scale = 1e6;
	else if (!strcmp(end, "m"))
		scale = 60e9;
	else if (!strcmp(end, "h"))
		scale = 3600e9;
	else if (*end && strcmp(end, "s"))
		goto bad;
	v *= scale;
	if (!(v >= 1e6 && v <= 86400e9))
		goto bad;
	*ns = (uint64_t)v;
	return 0;
bad:
	return kt_err(EINVAL,
		      "--%s '%s': expected a duration in seconds between "
		      "0.001 and 86400 (e.g. 2, 0.5, 500ms, 30m, 1h)",
		      o->name, text);
}

/* Store value (NULL for options without one) where f says. */
static int apply(const struct found *f, const char *value)
{
	const struct kt_cli_opt *o = f->opt;
	void *t = (char *)f->base + o->offset;

	switch (o->type) {
	case KT_CLI_OPT_FLAG:
		*(bool *)t = true;
		return 0;
	case KT_CLI_OPT_STRING:
		*(const char **)t = value;
		return 0;
	case KT_CLI_OPT_STRINGS:
		return kt_cli_strings_push(t, value);
	case KT_CLI_OPT_UINT:
		return parse_uint(o, value, t);
	case KT_CLI_OPT_DURATION:
		return parse_duration(o, value, t);
	case KT_CLI_OPT_CALL:
		return o->call(value, t);
	case KT_CLI_OPT_END:
		break;
	}
	return kt_err(EINVAL, "--%s: option of no known type", o->name);
}

/*
 * The option named name[0..len): an exact match, else the only option
 * whose name starts with it (several: ambiguous, not found). -h/--help
 * takes part like any other option.
 */
static bool find_long(const struct kt_cli_bind *binds, const char *name,
		      size_t len, struct found *out)
{
	size_t prefixes = 0;

	if (!len)
		return false;
	if (!strncmp(help_opt.name, name, len)) {
		*out = (struct found){&help_opt, NULL};
		if (!help_opt.name[len])
			return true;
		prefixes++;
	}
	for (const struct kt_cli_bind *b = binds; b && b->group; b++) {
		for (const struct kt_cli_opt *o = b->group->opts; o->name;
		     o++) {
			if (strncmp(o->name, name, len))
				continue;
			if (!o->name[len]) {
				*out = (struct found){o, b->base};
				return true;
			}
			if (!prefixes++)
				*out = (struct found){o, b->base};
		}
	}
	return prefixes == 1;
}

static bool find_short(const struct kt_cli_bind *binds, char c,
		       struct found *out)
{
	if (c == help_opt.short_name) {
		*out = (struct found){&help_opt, NULL};
		return true;
	}
	for (const struct kt_cli_bind *b = binds; b && b->group; b++)
		for (const struct kt_cli_opt *o = b->group->opts; o->name; o++)
			if (o->short_name == c) {
				*out = (struct found){o, b->base};
				return true;
			}
	return false;
}

/* argv[*i] is "--name" or "--name=VALUE"; the value may be the next word
 * (then *i moves past it). */
static int parse_long(const struct kt_cli_bind *binds, int argc, char **argv,
		      int *i)
{
	const char *arg = argv[*i], *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	struct found f;

	if (!find_long(binds, name, len, &f))
		return kt_err(EINVAL, "unknown option '%s'", arg);
	if (!takes_value(f.opt)) {
		if (eq) /* as getopt_long says it */
			return kt_err(EINVAL, "unknown option '%s'", arg);
		return f.opt == &help_opt ? KT_CLI_HELP : apply(&f, NULL);
	}
	if (eq)
		return apply(&f, eq + 1);
	if (*i + 1 >= argc)
		return kt_err(EINVAL, "%s needs a value", arg);
	return apply(&f, argv[++*i]);
}

/* argv[*i] is "-abc": letters without a value, and the last one may take
 * the rest of the word or the next word as its value. */
static int parse_short(const struct kt_cli_bind *binds, int argc, char **argv,
		       int *i)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		struct found f;
		int err;

		if (!find_short(binds, *p, &f))
			return kt_err(EINVAL, "unknown option '-%c'", *p);
		if (f.opt == &help_opt)
			return KT_CLI_HELP;
		if (!takes_value(f.opt)) {
			err = apply(&f, NULL);
			if (err)
				return err;
			continue;
		}
		if (p[1])
			return apply(&f, p + 1);
		if (*i + 1 >= argc)
			return kt_err(EINVAL, "-%c needs a value", *p);
		return apply(&f, argv[++*i]);
	}
	return 0;
}

static int check_operands(const struct kt_cli_cmd *cmd, char **operands, int nr)
{
	const char *extra = NULL;

	if (!cmd->operands && nr > 0)
		extra = operands[0];
	else if (cmd->operands && cmd->max_operands &&
		 nr > (int)cmd->max_operands)
		extra = operands[cmd->max_operands];
	if (!extra)
		return 0;
	if (cmd->operand_hint)
		return kt_err(EINVAL, "unexpected argument '%s' (%s)", extra,
			      cmd->operand_hint);
	return kt_err(EINVAL, "unexpected argument '%s'", extra);
}

int kt_cli_parse(const struct kt_cli_cmd *cmd, const struct kt_cli_bind *binds,
		 int argc, char **argv, int *nr_operands)
{
	bool options_done = false;
	int n = 0, err;

	*nr_operands = 0;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];

		if (options_done || arg[0] != '-' || !arg[1]) {
			/* n < i: this slot has been read already */
			argv[1 + n++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (arg[1] == '-')
			err = parse_long(binds, argc, argv, &i);
		else
			err = parse_short(binds, argc, argv, &i);
		if (err)
			return err;
	}
	*nr_operands = n;
	return check_operands(cmd, argv + 1, n);
}
