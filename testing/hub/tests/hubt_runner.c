/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Tests of the Security Hub (testing/hub): each test makes its bundle and
 * starts its hub on a free loopback port.
 */

#include "hubt.h"

#include <stdlib.h>

int main(int argc, char *argv[])
{
	SRunner *runner;
	int failed;

	runner = srunner_create(hubt_hub_suite());
	srunner_add_suite(runner, hubt_store_suite());
	srunner_add_suite(runner, hubt_bundle_suite());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
