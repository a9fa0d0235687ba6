/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Conformance and robustness tests of the reference KP (testing/kp): each
 * test starts its own KPs on free loopback ports.
 */

#include "kpt.h"

#include <stdlib.h>

int main(int argc, char *argv[])
{
	SRunner *runner;
	int failed;

	kpt_init();
	runner = srunner_create(kpt_api_suite());
	srunner_add_suite(runner, kpt_tls_suite());
	srunner_add_suite(runner, kpt_sync_suite());
	srunner_add_suite(runner, kpt_restart_suite());
	srunner_add_suite(runner, kpt_group_commit_suite());
	srunner_add_suite(runner, kpt_limits_suite());
	srunner_add_suite(runner, kpt_faults_suite());
	srunner_add_suite(runner, kpt_config_suite());
	srunner_add_suite(runner, kpt_etsi_suite());
	srunner_add_suite(runner, kpt_dske_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	kpt_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
