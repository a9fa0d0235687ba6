/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * The check suites of libdske's wire and storage tests (messages, frames,
 * client-hub pairs) and what they share.
 */

#ifndef WIRE_TESTS_H_
#define WIRE_TESTS_H_

#include <check.h>

#include <stddef.h>
#include <stdint.h>

/**
 * Decode hex (either case) into exactly len bytes; ck_asserts on bad input.
 */
void wire_hex(const char *hex, uint8_t *out, size_t len);

Suite *msg_suite(void);
Suite *frame_suite(void);
Suite *pair_suite(void);

#endif /* WIRE_TESTS_H_ */
