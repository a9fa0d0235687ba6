/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * @defgroup dske_pair dske_pair
 * @{ @ingroup libdske
 *
 * What one side of a client-hub pair keeps, durably (docs/dske.md,
 * "Registration" and "PSRD"): the IDs the hub assigned, the wrap key, the
 * two PSRD tables, and the state that makes every word and counter
 * single-use across crashes (kill -9).
 *
 * A pair is a directory, delivered out of band, identical on both sides
 * when generated (files mode 0600, directory 0700):
 *   pair.conf   "client = NAME", "client_id = N", "hub = NAME", "hub_id = N"
 *               (IDs u64 decimal, nonzero; names 1-64 of [A-Za-z0-9._-]),
 *               "wrap_key_id = N"
 *   clients     the hub's directory of its clients, one "NAME ID" per line
 *               (so a KP finds its peer's ID at this hub by the peer's name)
 *   wrap.key    32 bytes
 *   table0      PSRD words the client allocates (client -> hub), raw
 *   table1      PSRD words the hub allocates (hub -> client), raw
 *   state       created on first use: own cursor, consumed ranges of the
 *               other table, last counters sent and received
 *
 * Own words are handed out once: the cursor is advanced durably before the
 * words are returned, and they are overwritten on disk and synced. A range
 * of the other side's table is accepted once: in bounds, overlapping no
 * consumed range, recorded as consumed durably, then overwritten and
 * synced, whatever the outcome of the tag check that follows.
 *
 * Every file must belong to us and be mode 0600 (no group or other
 * access), the directory 0700; an open pair locks its directory (flock),
 * so a second process (or a second open) is refused. A pair is not
 * thread-safe.
 */

#ifndef DSKE_PAIR_H_
#define DSKE_PAIR_H_

#include "dske_frame.h"
#include "dske_gf128.h"

/** longest client or hub name */
#define DSKE_PAIR_NAME_MAX 64

/**
 * Which side of the pair this is.
 */
typedef enum {
	/** a KP: allocates from table0, receives from table1 */
	DSKE_SIDE_CLIENT,
	/** a hub: allocates from table1, receives from table0 */
	DSKE_SIDE_HUB,
} dske_side_t;

typedef struct dske_pair_t dske_pair_t;

struct dske_pair_t {

	/**
	 * Take the next count words of our own table.
	 *
	 * @param start		receives the range's start, in words
	 * @param words		receives count words (caller wipes them)
	 * @return			false if fewer than count words are left (nothing
	 *					taken) or on an I/O error
	 */
	bool (*allocate)(dske_pair_t *this, uint32_t count, uint64_t *start,
					 dske_gf128_t *words);

	/**
	 * Take a range of the other side's table named by a received message.
	 *
	 * @param words		receives count words (caller wipes them)
	 * @return			false if out of bounds, overlapping a consumed range
	 *					(replay) or on an I/O error
	 */
	bool (*claim)(dske_pair_t *this, uint64_t start, uint32_t count,
				  dske_gf128_t *words);

	/**
	 * Words left in our own table.
	 */
	uint64_t (*remaining)(dske_pair_t *this);

	/**
	 * The counter for the next frame we send, persisted before it is
	 * returned.
	 */
	bool (*next_counter)(dske_pair_t *this, uint64_t *counter);

	/**
	 * Accept the counter of a frame that authenticated: true (and
	 * persisted) only if greater than every counter accepted before.
	 */
	bool (*accept_counter)(dske_pair_t *this, uint64_t counter);

	/**
	 * The wrap key and its ID.
	 */
	const uint8_t *(*get_wrap_key)(dske_pair_t *this, uint32_t *wrap_key_id);

	/**
	 * The client's ID at this hub.
	 */
	uint64_t (*get_client_id)(dske_pair_t *this);

	/**
	 * The hub's ID.
	 */
	uint64_t (*get_hub_id)(dske_pair_t *this);

	/**
	 * The client's name (pair.conf).
	 */
	const char *(*get_client_name)(dske_pair_t *this);

	/**
	 * The hub's name (pair.conf).
	 */
	const char *(*get_hub_name)(dske_pair_t *this);

	/**
	 * The ID this hub assigned to a client, by name (from the clients file).
	 *
	 * @return			false if the hub does not know that client
	 */
	bool (*lookup_client)(dske_pair_t *this, const char *name, uint64_t *id);

	/**
	 * Wipe the key and close the files.
	 */
	void (*destroy)(dske_pair_t *this);
};

/**
 * Open a pair directory.
 *
 * @param dir		the pair's directory
 * @param side		which side we are
 * @param err		receives a message if it fails (static or in buf)
 * @return			NULL on an error (missing or unreadable file, wrong
 *					mode, malformed pair.conf, key not 32 bytes, table
 *					size not a multiple of 16)
 */
dske_pair_t *dske_pair_open(const char *dir, dske_side_t side,
							char *err, size_t err_len);

/**
 * Whether a client or hub name is valid: 1-64 of [A-Za-z0-9._-], not "."
 * or "..".
 */
bool dske_pair_name_valid(const char *name);

/**
 * Create a pair directory with fresh random tables and wrap key (the
 * generator of registration bundles; RAND_priv_bytes); its clients file
 * names only this pair's client: the bundle generator, which knows all of
 * a hub's clients, replaces it.
 *
 * @param words		words per table
 */
bool dske_pair_generate(const char *dir, const char *client,
						uint64_t client_id, const char *hub, uint64_t hub_id,
						uint64_t words, char *err, size_t err_len);

#endif /** DSKE_PAIR_H_ @}*/
