/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linked into the test build of nsenter-lite only (build/tests/nsenter-lite,
 * see the Makefile): with NSENTER_LITE_TEST_STOP_BEFORE_JOIN set, it stops
 * itself (SIGSTOP) after resolving and before joining, so a test can make
 * the target exit in between. It only ever stops nsenter-lite itself.
 */
#include <signal.h>
#include <stdlib.h>

void nsl_test_before_join(void);

void nsl_test_before_join(void)
{
	if (getenv("NSENTER_LITE_TEST_STOP_BEFORE_JOIN"))
		raise(SIGSTOP);
}
