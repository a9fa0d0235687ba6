/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Runs the plugin's logic suites in one SRunner with libstrongswan
 * initialized (no charon). Exits non-zero if any test fails.
 */

#include "plugin_tests.h"
#include "test_support.h"

#include <stdlib.h>

int main(void)
{
	Suite *(*const suites[])(void) = {
		sa_table_suite,
		kp_set_suite,
		latency_suite,
		kp_gate_suite,
		kp_prefetch_suite,
		NULL
	};
	int status;

	if (!library_init(NULL, "charon"))
	{
		library_deinit();
		return EXIT_FAILURE;
	}
	status = test_run_suites(suites, CK_ENV);
	library_deinit();
	return status;
}
