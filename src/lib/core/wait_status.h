/* SPDX-License-Identifier: GPL-2.0-only */
/* A child's wait status in words, for details and log lines (wait_status.c). */
#ifndef KTSTR_WAIT_STATUS_H
#define KTSTR_WAIT_STATUS_H

#include <stddef.h>

/*
 * "exited with status 3", "was killed by signal 9 (Killed)" or "ended with
 * wait status 0x..." into buf (always terminated).
 */
void kt_wait_status_text(int status, char *buf, size_t len);

#endif
