/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The --help text of a command, generated from its option tables
 * (options.h): the usage line, the about paragraphs, the subcommands, the
 * options aligned in columns with their help wrapped beside them, the
 * notes and the exit codes. Source strings are plain prose; the line
 * breaks are made here.
 */
#include <string.h>

#include "options.h"

#define WIDTH	 79 /* columns of every line */
#define MAX_TAB	 26 /* help texts start here at most (wider: next line) */
#define MAX_LEFT 64 /* room for one "-x, --name VALUE" */

/*
 * Print text word-wrapped to WIDTH and end the line. The cursor is at
 * column col; lines start at column indent (col < indent pads first).
 * "\n" in text breaks the line, "\n\n" leaves a blank line.
 */
static void wrap(FILE *f, const char *text, int col, int indent)
{
	bool fresh = true; /* no word on this line yet */

	for (const char *p = text; *p;) {
		int len;

		if (*p == '\n') {
			fputc('\n', f);
			col = 0;
			fresh = true;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		len = (int)strcspn(p, " \n");
		if (!fresh && col + 1 + len > WIDTH) {
			fprintf(f, "\n");
			col = 0;
			fresh = true;
		}
		if (fresh && col < indent) {
			fprintf(f, "%*s", indent - col, "");
			col = indent;
		} else if (!fresh) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, (size_t)len, f);
		col += len;
		fresh = false;
		p += len;
	}
	fputc('\n', f);
}

/* "  LEFT  text", text starting at column tab (next line when LEFT is
 * too wide). */
static void item(FILE *f, const char *left, const char *text, int tab)
{
	int col = fprintf(f, "  %s", left);

	if (col + 2 > tab) {
		fputc('\n', f);
		col = 0;
	}
	wrap(f, text, col, tab);
}

/* "-j, --jobs N" / "--topo SHAPE" / "--quiet" */
static void opt_left(const struct kt_cli_opt *o, char *buf, size_t len)
{
	char s[8] = "";

	if (o->short_name)
		snprintf(s, sizeof(s), "-%c, ", o->short_name);
	snprintf(buf, len, "%s--%s%s%s", s, o->name, o->value ? " " : "",
		 o->value ? o->value : "");
}

static void subcmd_left(const struct kt_cli_subcmd *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", c->name, c->args ? " " : "",
		 c->args ? c->args : "");
}

/* The column where help texts start: after the widest left column. */
static int help_tab(const struct kt_cli_cmd *cmd,
		    const struct kt_cli_bind *binds)
{
	char left[MAX_LEFT];
	int tab = (int)strlen("  -h, --help  ");

	for (const struct kt_cli_bind *b = binds; b && b->group; b++)
		for (const struct kt_cli_opt *o = b->group->opts; o->name;
		     o++) {
			opt_left(o, left, sizeof(left));
			if ((int)strlen(left) + 4 > tab)
				tab = (int)strlen(left) + 4;
		}
	for (size_t i = 0; i < cmd->nr_subcmds; i++) {
		subcmd_left(&cmd->subcmds[i], left, sizeof(left));
		if ((int)strlen(left) + 4 > tab)
			tab = (int)strlen(left) + 4;
	}
	return tab < MAX_TAB ? tab : MAX_TAB;
}

/* One unbreakable piece of the usage line. */
static int usage_word(FILE *f, int col, int indent, const char *w)
{
	int len = (int)strlen(w);

	if (col > indent && col + 1 + len > WIDTH) {
		fprintf(f, "\n%*s", indent - 1, "");
		col = indent - 1;
	}
	fprintf(f, " %s", w);
	return col + 1 + len;
}

/* "usage: NAME OPERANDS [--opt VALUE]... [--repeatable V]..." */
static void usage(FILE *f, const struct kt_cli_cmd *cmd,
		  const struct kt_cli_bind *binds)
{
	int col = fprintf(f, "usage: %s", cmd->name), indent = col + 1;
	char w[256] = "";

	if (cmd->operands) {
		col = usage_word(f, col, indent, cmd->operands);
	} else if (cmd->nr_subcmds) {
		for (size_t i = 0; i < cmd->nr_subcmds; i++) {
			size_t n = strlen(w);

			if (i)
				snprintf(w + n, sizeof(w) - n, " | ");
			n = strlen(w);
			subcmd_left(&cmd->subcmds[i], w + n, sizeof(w) - n);
		}
		col = usage_word(f, col, indent, w);
	}
	for (const struct kt_cli_bind *b = binds; b && b->group; b++)
		for (const struct kt_cli_opt *o = b->group->opts; o->name;
		     o++) {
			snprintf(w, sizeof(w), "[--%s%s%s]%s", o->name,
				 o->value ? " " : "", o->value ? o->value : "",
				 o->type == KT_CLI_OPT_STRINGS ? "..." : "");
			col = usage_word(f, col, indent, w);
		}
	fputc('\n', f);
}

/* "exit: 0 pass, 1 a check failed, ...": wrapped between the items. */
static void exit_codes(FILE *f, const char *text)
{
	int col = fprintf(f, "exit:"), indent = col + 1;

	for (const char *p = text; *p;) {
		const char *comma = strstr(p, ", ");
		int len = comma ? (int)(comma - p) : (int)strlen(p);

		/* the item and its comma must fit */
		if (col > indent && col + 1 + len + 1 > WIDTH) {
			fprintf(f, "\n%*s", indent - 1, "");
			col = indent - 1;
		}
		col += fprintf(f, " %.*s%s", len, p, comma ? "," : "");
		p += len + (comma ? 2 : 0);
	}
	fputc('\n', f);
}

/* One group's options under its heading; the first group also lists
 * -h, --help (g is NULL for a command without options). */
static void group(FILE *f, const struct kt_cli_group *g, bool first, int tab)
{
	char left[MAX_LEFT], text[1024];

	fprintf(f, "\n%s:\n", g && g->title ? g->title : "options");
	for (const struct kt_cli_opt *o = g ? g->opts : NULL; o && o->name;
	     o++) {
		opt_left(o, left, sizeof(left));
		snprintf(text, sizeof(text), "%s%s", o->help,
			 o->type == KT_CLI_OPT_STRINGS ? " (repeatable)" : "");
		item(f, left, text, tab);
	}
	if (first)
		item(f, "-h, --help", "show this help", tab);
}

void kt_cli_help(FILE *f, const struct kt_cli_cmd *cmd,
		 const struct kt_cli_bind *binds)
{
	int tab = help_tab(cmd, binds);
	char left[MAX_LEFT];

	usage(f, cmd, binds);
	if (cmd->about) {
		fputc('\n', f);
		wrap(f, cmd->about, 0, 0);
	}
	if (cmd->nr_subcmds)
		fprintf(f, "\ncommands:\n");
	for (size_t i = 0; i < cmd->nr_subcmds; i++) {
		subcmd_left(&cmd->subcmds[i], left, sizeof(left));
		item(f, left, cmd->subcmds[i].summary, tab);
	}
	if (binds) {
		group(f, binds->group, true, tab);
		for (const struct kt_cli_bind *b = binds + 1;
		     binds->group && b->group; b++)
			group(f, b->group, false, tab);
	}
	if (cmd->notes) {
		fputc('\n', f);
		wrap(f, cmd->notes, 0, 0);
	}
	if (cmd->exit) {
		fputc('\n', f);
		exit_codes(f, cmd->exit);
	}
}
