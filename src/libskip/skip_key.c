/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_key.h"

#include <stdlib.h>

#include <openssl/crypto.h>

void skip_memwipe(void *ptr, size_t len)
{
	if (ptr && len)
	{
		OPENSSL_cleanse(ptr, len);
	}
}

void skip_key_destroy(skip_key_t *key)
{
	if (key)
	{
		skip_memwipe(key->key, key->key_len);
		free(key->key);
		skip_memwipe(key, sizeof(*key));
		free(key);
	}
}

void skip_entropy_destroy(skip_entropy_t *entropy)
{
	if (entropy)
	{
		skip_memwipe(entropy->random, entropy->len);
		free(entropy->random);
		free(entropy);
	}
}
