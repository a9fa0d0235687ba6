/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Runs all unit test suites in one SRunner (CK_FORK unless CK_FORK=no is
 * set in the environment). Exits non-zero if any test fails.
 */

#include "test_suites.h"
#include "test_support.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		validate_suite,
		json_suite,
		etsi_json_suite,
		wire_suite,
		psk_suite,
#ifdef HAVE_SKIP_KP
		client_suite,
		pool_suite,
		hostile_suite,
		etsi_client_suite,
		check_suite,
#endif
		NULL
	};

	return test_run_suites(suites, CK_ENV);
}
