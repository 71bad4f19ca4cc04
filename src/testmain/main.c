/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The main() of libktstr-test.a: a test binary made only of KTSTR_TEST
 * files gets this one from the archive; a binary that defines its own main
 * calls kt_test_main() itself and this object is never linked in.
 */
#include <ktstr/test_runner.h>

int main(int argc, char **argv)
{
	return kt_test_main(argc, argv);
}
