/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup skip_kp_gate skip_kp_gate
 * @{ @ingroup skip
 */

#ifndef SKIP_KP_GATE_H_
#define SKIP_KP_GATE_H_

#include <library.h>
#include <skip_status.h>

/** first time key requests are refused after a KP stopped answering (ms) */
#define SKIP_KP_GATE_HOLD_MIN_MS 1000
/** longest such time, reached by doubling while the KP keeps hanging (ms) */
#define SKIP_KP_GATE_HOLD_MAX_MS 60000

typedef struct skip_kp_gate_t skip_kp_gate_t;

/**
 * Whether key requests may go to a KP: the fail-fast rule for a KP that
 * hangs.
 *
 * A key request runs in the worker thread of its IKE_SA, which holds the
 * IKE_SA checked out meanwhile. charon's IKE_SA reuse check waits for every
 * checked-out IKE_SA, so a request that waits for a KP that does not answer
 * stalls every initiation on the gateway, not only its own IKE_SA. Once a
 * request (or the health check) got no answer within its time, the gate
 * closes: further key requests fail at once instead of waiting for the same
 * hang. It opens again when the KP answered a health check and at least the
 * hold time passed (1 s, doubling with every closing until a key request
 * gets an answer, at most 60 s), so a KP that answers health checks but
 * hangs on keys is tried rarely, not by every IKE_SA.
 *
 * Pure logic, the time is passed in (monotonic ms); not thread-safe (the KP
 * calls it under its mutex).
 */
struct skip_kp_gate_t {

	/**
	 * Whether a key request may go to the KP now. A closed gate whose hold
	 * time passed after a successful health check opens (the next request
	 * is the trial).
	 *
	 * @param now		monotonic ms
	 * @param since		receives when the KP stopped answering, if closed
	 * @return			TRUE if the request may go out
	 */
	bool (*admit)(skip_kp_gate_t *this, uint64_t now, uint64_t *since);

	/**
	 * The outcome of a key request that went out.
	 *
	 * @param now		monotonic ms
	 * @param status	its result: SKIP_ERR_TIMEOUT means no answer in time,
	 *					anything else that the KP answered (or could not be
	 *					reached at once)
	 * @return			TRUE if this closed the gate
	 */
	bool (*key_result)(skip_kp_gate_t *this, uint64_t now,
					   skip_status_t status);

	/**
	 * The outcome of a health check (capabilities or status request).
	 *
	 * @param now		monotonic ms
	 * @param status	its result, as for key_result()
	 * @return			TRUE if this closed the gate
	 */
	bool (*check_result)(skip_kp_gate_t *this, uint64_t now,
						 skip_status_t status);

	/**
	 * When a closed gate may open at the earliest (the health check that
	 * may open it should run then), 0 if open.
	 */
	uint64_t (*reopens_at)(skip_kp_gate_t *this);

	/**
	 * Destroy the gate.
	 */
	void (*destroy)(skip_kp_gate_t *this);
};

/**
 * Create an open gate.
 *
 * @param enabled	FALSE for a gate that never closes (fail_fast = no)
 * @return			gate
 */
skip_kp_gate_t *skip_kp_gate_create(bool enabled);

#endif /** SKIP_KP_GATE_H_ @}*/
