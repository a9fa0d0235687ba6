/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * What the check test programs share: test credentials, free ports, time.
 */

#ifndef TEST_SUPPORT_H_
#define TEST_SUPPORT_H_

#include <stdbool.h>

/**
 * Make the test credentials in an existing directory with openssl(1):
 * PSKs gw-a gw-b gw-c other kp-sync carol-sync (.psk, hex); an EC CA
 * (ca.pem/.key), KP server certificates kp-a, kp-b (EC) and kp-a-rsa (RSA)
 * for 127.0.0.1, client certificates gw-a, gw-b; a rogue CA (rogue-ca.pem)
 * with a certificate rogue (.pem/.key, also for 127.0.0.1).
 *
 * @return			false if openssl failed
 */
bool test_make_credentials(const char *dir);

/**
 * A TCP port on 127.0.0.1 that is free right now.
 */
unsigned test_free_port(void);

/**
 * A TCP socket listening on 127.0.0.1 that the caller never accepts on:
 * connections complete in the kernel's backlog and get no answer, as from a
 * server that hangs.
 *
 * @param port		receives its port
 * @return			the socket, to close
 */
int test_listen(unsigned *port);

/**
 * Whether something accepts TCP connections on 127.0.0.1:port.
 */
bool test_port_accepts(unsigned port);

/**
 * Monotonic time in ms.
 */
long long test_now_ms(void);

/**
 * Sleep for ms milliseconds.
 */
void test_sleep_ms(long ms);

#endif /* TEST_SUPPORT_H_ */
