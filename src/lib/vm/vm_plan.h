/* SPDX-License-Identifier: GPL-2.0-only */
/* The run plan a VM's guest reads from /ktstr/plan.json (vm_plan.c). */
#ifndef KTSTR_VM_PLAN_H
#define KTSTR_VM_PLAN_H

#include <ktstr/vm.h>

/* The run plan (docs/protocol.md) for o, as compact JSON text. */
char *kt_vm_plan_json(const struct kt_vm_opts *o);

#endif
