/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Runs libdske's wire and storage suites in one SRunner (CK_FORK unless
 * CK_FORK=no is set in the environment). Exits non-zero if any test fails.
 */

#include "wire_tests.h"
#include "test_support.h"

#include <stdio.h>
#include <string.h>

void wire_hex(const char *hex, uint8_t *out, size_t len)
{
	size_t i;
	unsigned byte;

	ck_assert_uint_eq(strlen(hex), 2 * len);
	for (i = 0; i < len; i++)
	{
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &byte), 1);
		out[i] = (uint8_t)byte;
	}
}

int main(void)
{
	Suite *(*const suites[])(void) = {
		msg_suite,
		frame_suite,
		pair_suite,
		NULL
	};

	return test_run_suites(suites, CK_ENV);
}
