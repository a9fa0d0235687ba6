/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

/**
 * Keys this KP made for one of its own encryptors and synchronized to
 * itself (a peer entry covering our own system ID, e.g. two gateways
 * behind one KP): such a key comes back into our own store, where any
 * encryptor allowed to use our system ID could take it by keyId. Each is
 * bound here to the encryptor it was made for, which alone may take it.
 *
 * Keys made by an ETSI GS QKD 014 SAE are bound the same way, on both
 * KPs: to "sae:SLAVE" (a name no SKIP client has), recording the master
 * SAE that made them (kp_etsi.c).
 *
 * The bindings are kept in memory for as long as the store keeps such a
 * key; after a restart only the peer entry's receivers bind it.
 */

#ifndef KP_MADE_H_
#define KP_MADE_H_

#include <stdbool.h>
#include <time.h>

typedef struct kp_made_t kp_made_t;

/**
 * Create an empty set of bindings.
 *
 * @param lifetime	seconds a binding is kept
 */
kp_made_t *kp_made_create(unsigned lifetime);

/**
 * Bind a new keyId to the encryptor it was made for.
 *
 * @param master	SAE that made the key (ETSI 014), NULL for SKIP keys
 * @return			false if out of memory or full (do not make the key)
 */
bool kp_made_bind(kp_made_t *made, const char *key_id, const char *client,
				  const char *master, time_t now);

/**
 * The binding of a keyId, if any.
 *
 * @param client	receives the client the key is for
 * @param master	receives the SAE that made it, NULL if none
 * @return			false if the keyId is not bound
 */
bool kp_made_find(kp_made_t *made, const char *key_id, time_t now,
				  const char **client, const char **master);

/**
 * Whether a client may take a key by keyId: true unless the keyId is
 * bound to another encryptor.
 *
 * @param key_id	keyId, in any case
 */
bool kp_made_allows(kp_made_t *made, const char *key_id, const char *client,
					time_t now);

/**
 * Drop the binding of a keyId (its key was taken or is gone).
 */
void kp_made_forget(kp_made_t *made, const char *key_id);

/**
 * Free all bindings.
 */
void kp_made_destroy(kp_made_t *made);

#endif /* KP_MADE_H_ */
