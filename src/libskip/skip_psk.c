/*
 * Copyright (C) 2026 strongswan-skip authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.
 */

#include "skip_psk.h"
#include "skip_key.h"
#include "skip_validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool skip_psk_parse(const char *text, size_t len, const char *identity,
					skip_psk_t *psk, char *errbuf, size_t errlen)
{
	size_t start = 0, end = len;

	memset(psk, 0, sizeof(*psk));
	if (!identity || !*identity ||
		!skip_printable(identity, strlen(identity), SKIP_PSK_IDENTITY_MAX))
	{
		snprintf(errbuf, errlen, "invalid PSK identity");
		return false;
	}
	while (start < end && isspace((unsigned char)text[start]))
	{
		start++;
	}
	while (end > start && isspace((unsigned char)text[end - 1]))
	{
		end--;
	}
	if (end - start >= 2 && text[start] == '0' &&
		(text[start + 1] == 'x' || text[start + 1] == 'X'))
	{
		start += 2;
	}
	len = end - start;
	if (len % 2 || len / 2 < SKIP_PSK_MIN || len / 2 > SKIP_PSK_MAX ||
		!skip_hex_decode(text + start, len, psk->key))
	{
		skip_memwipe(psk, sizeof(*psk));
		snprintf(errbuf, errlen, "a PSK must be %d to %d hex-encoded bytes",
				 SKIP_PSK_MIN, SKIP_PSK_MAX);
		return false;
	}
	psk->len = len / 2;
	strcpy(psk->identity, identity);
	return true;
}

bool skip_psk_load(const char *path, const char *identity, skip_psk_t *psk,
				   char *errbuf, size_t errlen)
{
	/* room for the hex key with generous white space around it */
	char buf[1024], reason[128];
	bool complete, ok;
	size_t len;
	FILE *file;

	memset(psk, 0, sizeof(*psk));
	file = fopen(path, "re");
	if (!file)
	{
		snprintf(errbuf, errlen, "cannot open PSK file %s: %m", path);
		return false;
	}
	len = fread(buf, 1, sizeof(buf) - 1, file);
	complete = feof(file) && !ferror(file);
	fclose(file);
	if (!complete || memchr(buf, '\0', len))
	{	/* never use a part of a file as the key */
		skip_memwipe(buf, sizeof(buf));
		snprintf(errbuf, errlen, "PSK file %s is too large or not text", path);
		return false;
	}
	ok = skip_psk_parse(buf, len, identity, psk, reason, sizeof(reason));
	skip_memwipe(buf, sizeof(buf));
	if (!ok)
	{
		snprintf(errbuf, errlen, "PSK file %s: %s", path, reason);
	}
	return ok;
}
