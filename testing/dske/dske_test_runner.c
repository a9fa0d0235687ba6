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
#include "test_support.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		gf128_suite,
		ghash_suite,
		hash_suite,
		shamir_suite,
		example_suite,
		props_suite,
		NULL
	};

	return test_run_suites(suites, CK_ENV);
}
