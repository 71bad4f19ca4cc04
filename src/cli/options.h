/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Option tables: every command-line option is declared once, with its long
 * name, optional short name, value name, help text and where its value goes
 * (a typed field or a callback). Parsing and the --help text are both
 * generated from the tables. Options that several commands share (the VM
 * options, the scenario-run options, the scheduler options) are one table
 * each, bound by every command that takes them.
 *
 * Used by the ktstr subcommands (src/cli) and by the command line of a
 * KTSTR_TEST binary (src/testmain).
 */
#ifndef KTSTR_CLI_OPTIONS_H
#define KTSTR_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum kt_cli_opt_type {
	KT_CLI_OPT_END = 0,  /* terminates a table */
	KT_CLI_OPT_FLAG,     /* bool: true when given */
	KT_CLI_OPT_STRING,   /* const char *: the value (the last one wins) */
	KT_CLI_OPT_STRINGS,  /* struct kt_cli_strings: every value, in order */
	KT_CLI_OPT_UINT,     /* unsigned: a whole number in [min, max] */
	KT_CLI_OPT_DURATION, /* uint64_t ns: "2", "0.5", "1.5s", "500ms", "30m",
				"1h" */
	KT_CLI_OPT_CALL,     /* call(value, target) decides */
};

/*
 * One option. The target is a field at `offset` in the struct the table is
 * bound to (struct kt_cli_bind). A KT_CLI_OPT_CALL option takes a value
 * when `value` is set and is called with NULL otherwise; it returns 0 or a
 * negative errno with the whole message in kt_err() ("--accel: ...").
 */
struct kt_cli_opt {
	const char *name; /* long name, without "--"; NULL ends a table */
	char short_name;  /* 0: long name only */
	enum kt_cli_opt_type type;
	const char *value; /* value name in --help ("FILE"); NULL: no value */
	const char *help;  /* one sentence; --help wraps it */
	size_t offset;
	unsigned min, max; /* KT_CLI_OPT_UINT */
	int (*call)(const char *value, void *target);
};

/* A table of options about one struct, with its --help heading. */
struct kt_cli_group {
	const char *title; /* "VM options"; NULL: "options" */
	const struct kt_cli_opt *opts;
};

/* A group bound to the struct its offsets point into; arrays of binds end
 * with {NULL}. */
struct kt_cli_bind {
	const struct kt_cli_group *group;
	void *base;
};

/* The values of a KT_CLI_OPT_STRINGS option: v is NULL-terminated (or
 * NULL when there are none) and points at argv's strings. */
struct kt_cli_strings {
	const char **v;
	size_t nr;
};
/* Append s (not copied); 0 or -ENOMEM with a message. */
int kt_cli_strings_push(struct kt_cli_strings *l, const char *s);
void kt_cli_strings_free(struct kt_cli_strings *l);

/* A subcommand of a command that dispatches (`ktstr`, `ktstr kernel`). */
struct kt_cli_subcmd {
	const char *name;
	const char *args; /* after the name in --help ("[RELEASE]"), or NULL */
	const char *summary;
	int (*fn)(int argc, char **argv);
};

/* What --help says around the options, and the operand rules. */
struct kt_cli_cmd {
	const char *name; /* as typed: "ktstr vm", a test binary's name */
	/* the operands in the usage line ("[SCENARIO...]"); NULL: none are
	 * taken (for a dispatcher: its subcommands, joined by " | ") */
	const char *operands;
	unsigned max_operands;	  /* with operands: at most this many; 0 any */
	const char *operand_hint; /* added to "unexpected argument 'X'" */
	const char *about;	  /* paragraphs ("\n\n") after the usage */
	const struct kt_cli_subcmd *subcmds; /* listed as "commands:" */
	size_t nr_subcmds;
	const char *notes; /* paragraphs after the options */
	const char *exit;  /* the exit codes: "0 pass, 1 a check failed" */
};

/* kt_cli_parse's return when -h or --help was given (nothing else is
 * looked at after it). */
#define KT_CLI_HELP 1

/*
 * Parse argv[1..argc) against the bound tables: options anywhere (up to a
 * "--"), long ones also as --name=VALUE and by any unambiguous prefix,
 * short ones clustered (-qj4). Operands keep their order and end up in
 * argv[1 .. 1 + *nr_operands). Returns 0, KT_CLI_HELP, or a negative
 * errno with the message in kt_err(): "unknown option '--x'", "--x needs
 * a value", "unexpected argument 'x'", the value's own error, or -ENOMEM.
 */
int kt_cli_parse(const struct kt_cli_cmd *cmd, const struct kt_cli_bind *binds,
		 int argc, char **argv, int *nr_operands);

/*
 * The --help text, generated: usage line (operands, then every option),
 * the about paragraphs, the subcommands, every group's options aligned
 * with their help (then -h, --help), the notes and the exit codes. binds
 * may be NULL (no options section).
 */
void kt_cli_help(FILE *f, const struct kt_cli_cmd *cmd,
		 const struct kt_cli_bind *binds);

/* True when arg is "-h" or "--help". */
bool kt_cli_is_help(const char *arg);

/*
 * Table entries, with the target's field type checked at compile time:
 *   KT_CLI_UINT("workers", 0, "N", struct run_args, workers, 1, 1024,
 *		 "workers per cgroup")
 */
#define KT_CLI_FIELD_(T, field, want)                                          \
	(offsetof(T, field) +                                                  \
	 0 * sizeof(char[__builtin_types_compatible_p(                         \
			     __typeof__(((T *)0)->field), want)                \
			     ? 1                                               \
			     : -1]))
#define KT_CLI_FLAG(lname, sname, T, field, text)                              \
	{                                                                      \
		.name = (lname), .short_name = (sname),                        \
		.type = KT_CLI_OPT_FLAG, .help = (text),                       \
		.offset = KT_CLI_FIELD_(T, field, bool),                       \
	}
#define KT_CLI_STRING(lname, sname, vname, T, field, text)                     \
	{                                                                      \
		.name = (lname), .short_name = (sname),                        \
		.type = KT_CLI_OPT_STRING, .value = (vname), .help = (text),   \
		.offset = KT_CLI_FIELD_(T, field, const char *),               \
	}
#define KT_CLI_STRINGS(lname, sname, vname, T, field, text)                    \
	{                                                                      \
		.name = (lname), .short_name = (sname),                        \
		.type = KT_CLI_OPT_STRINGS, .value = (vname), .help = (text),  \
		.offset = KT_CLI_FIELD_(T, field, struct kt_cli_strings),      \
	}
#define KT_CLI_UINT(lname, sname, vname, T, field, lo, hi, text)               \
	{                                                                      \
		.name = (lname), .short_name = (sname),                        \
		.type = KT_CLI_OPT_UINT, .value = (vname), .help = (text),     \
		.offset = KT_CLI_FIELD_(T, field, unsigned), .min = (lo),      \
		.max = (hi),                                                   \
	}
#define KT_CLI_DURATION(lname, sname, vname, T, field, text)                   \
	{                                                                      \
		.name = (lname), .short_name = (sname),                        \
		.type = KT_CLI_OPT_DURATION, .value = (vname), .help = (text), \
		.offset = KT_CLI_FIELD_(T, field, uint64_t),                   \
	}
/* fn(const char *value, void *target): target is &field, of any type. */
#define KT_CLI_CALL(lname, sname, vname, T, field, fn, text)                   \
	{                                                                      \
		.name = (lname), .short_name = (sname),                        \
		.type = KT_CLI_OPT_CALL, .value = (vname), .help = (text),     \
		.offset = offsetof(T, field), .call = (fn),                    \
	}

#endif
