/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * SAE IDs of ETSI GS QKD 014 (the identities of the key consumers): the
 * spec leaves their format open; the KP takes 1 to KP_SAE_ID_MAX bytes of
 * letters, digits and "-._~:@" (URL-safe, so that the same text appears in
 * paths, logs and the synchronization messages).
 */

#ifndef KP_SAE_H_
#define KP_SAE_H_

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/** longest SAE ID */
#define KP_SAE_ID_MAX 128

/**
 * Whether len bytes at s form a valid SAE ID.
 */
static inline bool kp_sae_id_valid(const char *s, size_t len)
{
	size_t i;

	if (!len || len > KP_SAE_ID_MAX)
	{
		return false;
	}
	for (i = 0; i < len; i++)
	{
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || (c && strchr("-._~:@", c))))
		{
			return false;
		}
	}
	return true;
}

#endif /* KP_SAE_H_ */
