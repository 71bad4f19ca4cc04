/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal: the topology-free checks of a partition request (index of
 * count), shared by the topology's cpuset generators and CpusetSpec. */
#ifndef KTSTR_TOPO_PARTITION_H
#define KTSTR_TOPO_PARTITION_H

/* -EINVAL with "WHAT cpuset I of N: ..." for N == 0 or I >= N. */
int kt_topo_check_parts(const char *what, unsigned index, unsigned of);

#endif
