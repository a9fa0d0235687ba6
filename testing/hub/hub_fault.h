/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Fault injection for tests (only with --test-mode): a hub that lies,
 * replays or hangs. A specification is a comma-separated list of:
 *   corrupt       flip a bit of the first key word of every share in a
 *                 KEY_INSTRUCTION before it is tagged (a lying hub whose
 *                 messages authenticate)
 *   replay        answer an INSTR_REQUEST with the previous KEY_INSTRUCTION
 *                 message for that client again, in a new frame (its PSRD
 *                 range is spent: the client must refuse it)
 *   replay-frame  the same, resending the previous frame as it was (its
 *                 counter is spent)
 *   hang          read requests, never answer
 */

#ifndef HUB_FAULT_H_
#define HUB_FAULT_H_

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	bool corrupt;
	bool replay;
	bool replay_frame;
	bool hang;
} hub_faults_t;

/**
 * Parse a fault specification.
 *
 * @param err		receives the reason on failure
 * @return			false if the specification is invalid
 */
bool hub_faults_parse(const char *spec, hub_faults_t *faults, char *err,
					  size_t errlen);

#endif /* HUB_FAULT_H_ */
