/* SPDX-License-Identifier: GPL-2.0-only */
/* A child's wait status in words: the one wording of every detail that
 * says how a process (a payload, QEMU) ended. */
#include "core/wait_status.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

void kt_wait_status_text(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "ended with wait status %#x", status);
}
