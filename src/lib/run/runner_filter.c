/* SPDX-License-Identifier: GPL-2.0-only */
/* Selecting tests by name: substring patterns and whole-name globs. */
#include <fnmatch.h>
#include <string.h>

#include <ktstr/test_runner.h>

bool kt_test_filter_match(const char *pattern, const char *name)
{
	if (strpbrk(pattern, "*?["))
		return fnmatch(pattern, name, 0) == 0;
	return strstr(name, pattern) != NULL;
}

bool kt_test_selected(const char *const *patterns, size_t nr, const char *name)
{
	if (!nr)
		return true;
	for (size_t i = 0; i < nr; i++)
		if (kt_test_filter_match(patterns[i], name))
			return true;
	return false;
}
