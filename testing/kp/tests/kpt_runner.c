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

int main(int argc, char *argv[])
{
	Suite *(*const suites[])(void) = {
		kpt_api_suite,
		kpt_tls_suite,
		kpt_sync_suite,
		kpt_restart_suite,
		kpt_group_commit_suite,
		kpt_limits_suite,
		kpt_faults_suite,
		kpt_config_suite,
		kpt_etsi_suite,
		kpt_dske_suite,
		NULL
	};
	int status;

	kpt_init();
	status = test_run_suites(suites, CK_NORMAL);
	kpt_cleanup();
	return status;
}
