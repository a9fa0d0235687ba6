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

int main(int argc, char *argv[])
{
	Suite *(*const suites[])(void) = {
		hubt_hub_suite,
		hubt_store_suite,
		hubt_bundle_suite,
		NULL
	};

	return test_run_suites(suites, CK_ENV);
}
