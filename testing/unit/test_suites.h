/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The check suites of the unit tests and helpers they share.
 */

#ifndef TEST_SUITES_H_
#define TEST_SUITES_H_

#include <check.h>

/** number of entries of a static array */
#define countof(array) (sizeof(array) / sizeof((array)[0]))

/** a string literal and its length, embedded NUL bytes included */
#define LIT(s) (s), (sizeof(s) - 1)

Suite *validate_suite(void);
Suite *json_suite(void);
Suite *etsi_json_suite(void);
Suite *wire_suite(void);
Suite *psk_suite(void);
Suite *client_suite(void);
Suite *pool_suite(void);
Suite *hostile_suite(void);
Suite *etsi_client_suite(void);
Suite *check_suite(void);

#endif /* TEST_SUITES_H_ */
