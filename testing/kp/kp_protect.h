/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Keys (and a hub's shares and PSRD) live in the process of the reference
 * KP and the Security Hub: no core dumps, no ptrace by other processes of
 * the user, optionally no swapping; files they create are private.
 */

#ifndef KP_PROTECT_H_
#define KP_PROTECT_H_

#include <stdbool.h>

/**
 * Protect the process (umask 077, not dumpable, no core files).
 *
 * @param mlock		also lock all memory (--mlock)
 * @return			false if memory cannot be locked (logged)
 */
bool kp_protect_process(bool mlock);

#endif /* KP_PROTECT_H_ */
