/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_le dske_le
 * @{ @ingroup libdske
 *
 * Little-endian integers, as every integer of DSKE's wire and files is
 * (notes §10a), and of the hub's share files and the KP's journal.
 */

#ifndef DSKE_LE_H_
#define DSKE_LE_H_

#include <stdint.h>

static inline void dske_put_le(uint8_t *p, uint64_t value, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
	{
		p[i] = (uint8_t)(value >> (8 * i));
	}
}

static inline uint64_t dske_get_le(const uint8_t *p, int bytes)
{
	uint64_t value = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
	{
		value = value << 8 | p[i];
	}
	return value;
}

#endif /** DSKE_LE_H_ @}*/
