/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Check suites of the plugin's logic (state table, KP profile choice,
 * fallback chain and budget, the fail-fast rule for a KP that hangs), run against the target's libstrongswan
 * without charon, as strongSwan's own plugin suites are.
 */

#ifndef PLUGIN_TESTS_H_
#define PLUGIN_TESTS_H_

#include <library.h>
#include <check.h>

Suite *sa_table_suite(void);
Suite *kp_set_suite(void);
Suite *latency_suite(void);
Suite *kp_gate_suite(void);
Suite *kp_prefetch_suite(void);

#endif /* PLUGIN_TESTS_H_ */
