/* SPDX-License-Identifier: GPL-2.0-only */
/* Entry point of the guest role: ktstr running as PID 1 (/init) in a VM. */
#ifndef KTSTR_GUEST_H
#define KTSTR_GUEST_H

/* Never returns: runs the plan, reports over the channel, powers off. */
int kt_guest_main(int argc, char **argv);

#endif
