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

#include <stdlib.h>

int main(void)
{
	SRunner *runner;
	int failed;

	if (!library_init(NULL, "charon"))
	{
		library_deinit();
		return EXIT_FAILURE;
	}
	runner = srunner_create(sa_table_suite());
	srunner_add_suite(runner, kp_set_suite());
	srunner_add_suite(runner, latency_suite());
	srunner_add_suite(runner, kp_gate_suite());
	srunner_add_suite(runner, kp_prefetch_suite());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	library_deinit();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
