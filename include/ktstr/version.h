/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The version of libktstr and the ktstr command, for #if checks in code
 * that builds against several versions:
 *   #if KTSTR_VERSION_AT_LEAST(0, 9)
 */
#ifndef KTSTR_VERSION_H
#define KTSTR_VERSION_H

#define KTSTR_VERSION_MAJOR 0
#define KTSTR_VERSION_MINOR 9

#define KTSTR_VERSION_STR_(x)  #x
#define KTSTR_VERSION_XSTR_(x) KTSTR_VERSION_STR_(x)
/* "0.9" */
#define KTSTR_VERSION                                                          \
	KTSTR_VERSION_XSTR_(KTSTR_VERSION_MAJOR)                               \
	"." KTSTR_VERSION_XSTR_(KTSTR_VERSION_MINOR)

#define KTSTR_VERSION_AT_LEAST(major, minor)                                   \
	(KTSTR_VERSION_MAJOR > (major) ||                                      \
	 (KTSTR_VERSION_MAJOR == (major) && KTSTR_VERSION_MINOR >= (minor)))

#endif
