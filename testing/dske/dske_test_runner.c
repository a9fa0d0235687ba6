/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Runs libdske's test suites in one SRunner (CK_FORK unless CK_FORK=no is
 * set in the environment). Exits non-zero if any test fails.
 */

#include "dske_tests.h"

#include <stdlib.h>

int main(void)
{
	Suite *(*const suites[])(void) = {
		gf128_suite,
		ghash_suite,
		hash_suite,
		shamir_suite,
		example_suite,
		props_suite,
	};
	SRunner *runner;
	size_t i;
	int failed;

	runner = srunner_create(suites[0]());
	for (i = 1; i < countof(suites); i++)
	{
		srunner_add_suite(runner, suites[i]());
	}
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
