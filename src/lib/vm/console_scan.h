/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scanning a guest's console text for crashes and sched_ext messages
 * (console_scan.c); the classes are enum kt_console_kind of <ktstr/vm.h>.
 */
#ifndef KTSTR_VM_CONSOLE_SCAN_H
#define KTSTR_VM_CONSOLE_SCAN_H

#include <stddef.h>

#include <ktstr/vm.h>

struct kt_console_scan {
	enum kt_console_kind kind; /* the most severe hit */
	int first_line;		   /* 1-based line of the first hit, 0 none */
	char *first_hit;	   /* that line (timestamp kept), NULL none */
	char *excerpt;		   /* lines around the first hit, NULL none */
};

/* Scan console text (CRs ignored). The excerpt holds up to 10 lines
 * before and 20 after the first hit of the most severe class present
 * (crash hits take precedence over sched_ext lines). */
int kt_console_scan_text(const char *text, size_t len,
			 struct kt_console_scan *out);
int kt_console_scan_file(const char *path, struct kt_console_scan *out);
void kt_console_scan_free(struct kt_console_scan *s);
/* The last n lines of text, CRs removed (malloc'd). */
char *kt_console_tail(const char *text, size_t len, unsigned n);

#endif
