/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /init of bench_vm_boot's bare boot: a static program that powers the
 * VM off at once, so booting it measures the kernel and QEMU alone. Built
 * by the Makefile as $(O)/bench/bare_init (-static), never run by
 * `make bench` itself; outside a VM (not PID 1) it refuses to do anything.
 */
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	if (getpid() != 1) {
		fprintf(stderr, "bare_init: not PID 1; this is a guest /init "
				"for bench_vm_boot, not a host program\n");
		return 2;
	}
	reboot(RB_POWER_OFF);
	/* Only reached if the power-off failed: the kernel panics when PID 1
	 * exits, which the bench sees in the console. */
	return 1;
}
