/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_kp_gate.h"

typedef struct private_skip_kp_gate_t private_skip_kp_gate_t;

struct private_skip_kp_gate_t {

	/** public interface */
	skip_kp_gate_t public;

	/** FALSE if the gate never closes */
	bool enabled;

	/** TRUE while key requests are refused */
	bool closed;

	/** when the KP stopped answering (closed) */
	uint64_t since;

	/** refused at least until then (closed) */
	uint64_t until;

	/** whether a health check succeeded since the gate closed */
	bool checked_ok;

	/** the hold time of the next closing (ms) */
	u_int hold_ms;
};

/**
 * Close the gate (or keep it closed) after a request that got no answer.
 */
static bool no_answer(private_skip_kp_gate_t *this, uint64_t now)
{
	this->checked_ok = FALSE;
	if (!this->enabled || this->closed)
	{
		return FALSE;
	}
	this->closed = TRUE;
	this->since = now;
	this->until = now + this->hold_ms;
	this->hold_ms = min(this->hold_ms * 2, SKIP_KP_GATE_HOLD_MAX_MS);
	return TRUE;
}

METHOD(skip_kp_gate_t, admit, bool,
	private_skip_kp_gate_t *this, uint64_t now, uint64_t *since)
{
	if (this->closed && this->checked_ok && now >= this->until)
	{
		this->closed = FALSE;
	}
	if (this->closed)
	{
		*since = this->since;
	}
	return !this->closed;
}

METHOD(skip_kp_gate_t, key_result, bool,
	private_skip_kp_gate_t *this, uint64_t now, skip_status_t status)
{
	if (status == SKIP_ERR_TIMEOUT)
	{
		return no_answer(this, now);
	}
	/* the KP answers key requests again: a later hang is held briefly */
	this->closed = FALSE;
	this->hold_ms = SKIP_KP_GATE_HOLD_MIN_MS;
	return FALSE;
}

METHOD(skip_kp_gate_t, check_result, bool,
	private_skip_kp_gate_t *this, uint64_t now, skip_status_t status)
{
	if (status == SKIP_ERR_TIMEOUT)
	{
		return no_answer(this, now);
	}
	/* an answer, even an error, shows the KP is not hanging; the hold
	 * time is kept, since it may still hang on keys */
	this->checked_ok = TRUE;
	return FALSE;
}

METHOD(skip_kp_gate_t, reopens_at, uint64_t,
	private_skip_kp_gate_t *this)
{
	return this->closed ? this->until : 0;
}

METHOD(skip_kp_gate_t, destroy, void,
	private_skip_kp_gate_t *this)
{
	free(this);
}

/*
 * Described in header
 */
skip_kp_gate_t *skip_kp_gate_create(bool enabled)
{
	private_skip_kp_gate_t *this;

	INIT(this,
		.public = {
			.admit = _admit,
			.key_result = _key_result,
			.check_result = _check_result,
			.reopens_at = _reopens_at,
			.destroy = _destroy,
		},
		.enabled = enabled,
		.hold_ms = SKIP_KP_GATE_HOLD_MIN_MS,
	);
	return &this->public;
}
